import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, type ConcentratorTarget, type PollReaderDriver, type ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext, createTestApp, describeReaderDriver, type TestApp } from '@openamr/core/testing';
import {
  ModbusRtuDriver,
  ModbusTcpDriver,
  decodeRule,
  eastronSdm630,
  encodeRule,
  planReads,
  startModbusSerialSimulator,
  startModbusTcpSimulator,
  type ModbusSimulator,
  type SimulatedUnit,
} from '../src/index.js';

async function readAll<S>(driver: PollReaderDriver<S>, target: ConcentratorTarget<S>, signal?: AbortSignal): Promise<ReadBatch[]> {
  const session = await driver.open(target, createDriverContext({ signal }));
  const out: ReadBatch[] = [];
  try {
    for await (const b of session.read()) out.push(b);
  } finally {
    await session.close();
  }
  return out;
}

function targetOf<S>(driver: PollReaderDriver<S>, raw: Record<string, unknown>, extra: Partial<ConcentratorTarget<S>> = {}): ConcentratorTarget<S> {
  const { value, error } = driver.settingsSchema.validate(raw);
  if (error) throw error;
  return { id: 'c1', buildingId: 'b1', type: 'total-rs485', settings: value as S, timeZone: 'Europe/Moscow', ...extra };
}

const SDM630 = { voltageL1: 230.1, voltageL2: 229.8, voltageL3: 231.4, currentL1: 5.25, currentL2: 0.5, currentL3: 12.125, powerL1: 1.2, powerL2: 0.1, powerL3: 2.75, power: 4.05, frequency: 50.02, activeEnergy: 12345.67, exportEnergy: 1.5, totalEnergy: 12347.17 };
const SDM120 = { voltage: 228.5, current: 3.75, power: 0.85, frequency: 49.98, activeEnergy: 987.125, exportEnergy: 0, totalEnergy: 987.125 };

describe('plugin-modbus: register maps', () => {
  it('reads the SDM630 map in one request per contiguous run, values exact to float32 precision', () => {
    const blocks = planReads(eastronSdm630.registers);
    expect(blocks.map((b) => [b.table, b.address, b.count])).to.deep.equal([
      ['input', 0x00, 0x12],
      ['input', 0x34, 2],
      ['input', 0x46, 6],
      ['input', 0x156, 2],
    ]);
    // Across gaps of up to 40 registers (a meter that answers them): two requests.
    expect(planReads(eastronSdm630.registers, 40).map((b) => [b.address, b.count])).to.deep.equal([
      [0x00, 0x4c],
      [0x156, 2],
    ]);
    for (const rule of eastronSdm630.registers) {
      const block = blocks.find((b) => b.rules.includes(rule))!;
      const words = new Array(block.count).fill(0);
      encodeRule(rule, SDM630[rule.key as keyof typeof SDM630]).forEach((w, i) => (words[rule.address - block.address + i] = w));
      expect(decodeRule(rule, block, words), rule.key).to.equal(String(SDM630[rule.key as keyof typeof SDM630]));
    }
  });

  it('decodes integers, word order and scale', () => {
    const block = { table: 'holding' as const, address: 10, count: 4, rules: [] };
    expect(decodeRule({ key: 'e', table: 'holding', address: 10, type: 'uint32', scale: '0.01' }, block, [0x0001, 0x0002, 0, 0])).to.equal('655.38');
    expect(decodeRule({ key: 'e', table: 'holding', address: 10, type: 'uint32', wordOrder: 'little', scale: '0.01' }, block, [0x0002, 0x0001, 0, 0])).to.equal('655.38');
    expect(decodeRule({ key: 't', table: 'holding', address: 12, type: 'int16', scale: '0.1' }, block, [0, 0, 0xffce, 0])).to.equal('-5');
    expect(decodeRule({ key: 'i', table: 'holding', address: 13, type: 'int32' }, { ...block, count: 5 }, [0, 0, 0, 0xffff, 0xfffe])).to.equal('-2');
    expect(() => decodeRule({ key: 'x', table: 'input', address: 0, type: 'float32' }, { ...block, address: 0 }, [0x7fc0, 0])).to.throw(/not a number/);
  });
});

describe('plugin-modbus: modbus.tcp against modbus-serial’s ServerTCP', () => {
  let sim: ModbusSimulator;
  const driver = new ModbusTcpDriver();
  const units: SimulatedUnit[] = [
    { unitId: 1, deviceTypeId: 'modbus.eastron-sdm630', values: SDM630 },
    { unitId: 2, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
    { unitId: 3, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120, dead: true },
    // An SDM120 map behind unit 4, read as an SDM630: the three-phase registers are not there.
    { unitId: 4, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
    { unitId: 5, deviceTypeId: 'modbus.eastron-sdm120', values: { ...SDM120, activeEnergy: 5 } },
  ];
  before(async () => {
    sim = await startModbusTcpSimulator({ units });
  });
  after(() => sim?.close());

  const meters = [
    { unitId: 1, serial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630' },
    { unitId: 2, serial: 'SDM120-2', deviceTypeId: 'modbus.eastron-sdm120' },
    { unitId: 3, serial: 'DEAD-3', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 200 },
    { unitId: 4, serial: 'WRONG-4', deviceTypeId: 'modbus.eastron-sdm630' },
    { unitId: 5, serial: 'SDM120-5', deviceTypeId: 'modbus.eastron-sdm120' },
  ];

  it('reads several meters on one bus; a dead unit and an exception answer are problems of their meters, the others are read', async () => {
    const t0 = Date.now();
    const batches = await readAll(driver, targetOf(driver, { meters, timeoutMs: 1000, retries: 1 }, { host: '127.0.0.1', port: sim.port }));
    expect(batches).to.have.length(5);
    const [a, b, dead, wrong, e] = batches;
    expect(a!.readings[0]).to.deep.include({ meterSerial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630', unit: 'kWh' });
    expect(a!.readings[0]!.values).to.deep.equal(Object.fromEntries(Object.entries(SDM630).map(([k, v]) => [k, String(v)])));
    expect(b!.readings[0]!.values).to.deep.equal(Object.fromEntries(Object.entries(SDM120).map(([k, v]) => [k, String(v)])));
    expect(dead!.readings).to.deep.equal([]);
    expect(dead!.problems).to.deep.equal([{ code: 'no-answer', meterSerial: 'DEAD-3', message: 'Прибор DEAD-3 (unit 3) не ответил за 200 мс (попыток: 2)' }]);
    expect(wrong!.problems).to.have.length(1);
    expect(wrong!.problems[0]).to.deep.include({ code: 'modbus-exception', meterSerial: 'WRONG-4' });
    expect(wrong!.problems[0]!.message).to.contain('исключение 2 (недопустимый адрес регистра)');
    expect(e!.readings[0]!.values.activeEnergy).to.equal('5');
    // Two waits of 200 ms for the dead unit, not a second each.
    expect(Date.now() - t0).to.be.lessThan(1500);
    expect(a!.readings[0]!.sourceKey).to.match(/^modbus:c1:SDM630-1:\d{4}-\d\d-\d\dT\d\d:\d\d$/);
  });

  it('answers «Проверить соединение» with how many meters answered', async () => {
    const r = await driver.check(targetOf(driver, { meters: meters.slice(1, 3), timeoutMs: 200 }, { host: '127.0.0.1', port: sim.port }), createDriverContext({}));
    expect(r).to.deep.equal({ ok: true, message: `Modbus 127.0.0.1:${sim.port} доступен; ответили приборов: 1 из 2` });
  });

  it('throws ConnectionError for a gateway that is not there, and ConfigError without a host', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    let error: unknown;
    try {
      await readAll(driver, targetOf(driver, { meters: meters.slice(0, 1) }, { host: '127.0.0.1', port }));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConnectionError);
    expect((error as Error).message).to.contain(`127.0.0.1:${port}`);
    let config: unknown;
    try {
      await readAll(driver, targetOf(driver, { meters: meters.slice(0, 1) }));
    } catch (err) {
      config = err;
    }
    expect((config as { kind?: string }).kind).to.equal('config');
  });

  it('stops at once when the poll is aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 100);
    const t0 = Date.now();
    let error: unknown;
    try {
      await readAll(driver, targetOf(driver, { meters: [{ ...meters[2]!, timeoutMs: 5000 }], timeoutMs: 5000, retries: 3 }, { host: '127.0.0.1', port: sim.port }), ac.signal);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect(Date.now() - t0).to.be.lessThan(2000);
  });

  describe('through the core', () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp({ plugins: [{ package: '@openamr/plugin-modbus' }] });
    });
    after(() => app?.close());

    it('«Считать сейчас» stores the electricity meters’ readings and journals the dead one', async () => {
      const cookie = (await app.loginAs('manager'))!;
      const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Modbus', address: 'x' } })).json();
      const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie, payload: { number: '1', area: 50, kind: 'residential' } })).json();
      for (const m of meters.slice(0, 3)) {
        const res = await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: m.serial, deviceTypeId: m.deviceTypeId, premiseId: p.id } });
        expect(res.statusCode, res.payload).to.equal(201);
      }
      const c = await app.inject({
        method: 'POST', url: '/api/concentrators', cookie,
        payload: { buildingId: b.id, type: 'total-rs485', host: '127.0.0.1', port: sim.port, driverId: 'modbus.tcp', settings: { meters: meters.slice(0, 3), timeoutMs: 300, retries: 0 } },
      });
      expect(c.statusCode, c.payload).to.equal(201);
      const run = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.json().id}/poll`, cookie })).json();
      let r;
      for (let i = 0; i < 200; i++) {
        r = (await app.inject({ method: 'GET', url: `/api/poll-runs/${run.runId}`, cookie })).json();
        if (r.outcome !== 'running') break;
        await new Promise((res) => setTimeout(res, 25));
      }
      expect(r).to.include({ outcome: 'partial', readingsStored: 2 });
      expect(r.problems.map((x: { code: string; meterSerial: string }) => [x.code, x.meterSerial])).to.deep.equal([['no-answer', 'DEAD-3']]);
      const stored = await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').orderBy('m.serial').select('m.serial', 'r.value', 'r.unit', 'r.values');
      expect(stored.map((s) => [s.serial, s.value, s.unit])).to.deep.equal([
        ['SDM120-2', '987.125', 'kWh'],
        ['SDM630-1', '12345.67', 'kWh'],
      ]);
      expect(stored[1].values).to.include({ voltageL1: '230.1', power: '4.05' });
      const types = (await app.inject({ method: 'GET', url: '/api/device-types', cookie })).json().items.map((t: { id: string }) => t.id);
      expect(types).to.include.members(['modbus.eastron-sdm630', 'modbus.eastron-sdm120']);
    });
  });

  describeReaderDriver(ModbusTcpDriver as never, {
    validSettings: { meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm630' }] },
    invalidSettings: [
      { meters: [] },
      { meters: [{ unitId: 0, serial: 'A', deviceTypeId: 'modbus.eastron-sdm630' }] },
      { meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.unknown' }] },
      { meters: [{ unitId: 1, deviceTypeId: 'modbus.eastron-sdm630' }] },
      { meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm630' }, { unitId: 1, serial: 'B', deviceTypeId: 'modbus.eastron-sdm120' }] },
    ],
  });
});

const hasSocat = spawnSync('socat', ['-V']).status === 0;

describe('plugin-modbus: modbus.rtu on a serial line (socat pty pair, ServerSerial on the far end)', function () {
  before(function () {
    if (!hasSocat && process.env.CI !== 'true') this.skip();
  });
  const driver = new ModbusRtuDriver();

  it('reads two meters and lists a dead unit', async () => {
    const d = mkdtempSync(join(tmpdir(), 'modbus-pty-'));
    const socat = spawn('socat', [`pty,raw,echo=0,link=${d}/master`, `pty,raw,echo=0,link=${d}/bus`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(existsSync(`${d}/master`) && existsSync(`${d}/bus`)); i++) await new Promise((r) => setTimeout(r, 20));
    const sim = await startModbusSerialSimulator({
      path: `${d}/bus`,
      units: [
        { unitId: 7, deviceTypeId: 'modbus.eastron-sdm630', values: SDM630 },
        { unitId: 8, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
      ],
    });
    try {
      const batches = await readAll(
        driver,
        targetOf(driver, {
          device: `${d}/master`,
          meters: [
            { unitId: 7, serial: 'R-7', deviceTypeId: 'modbus.eastron-sdm630' },
            { unitId: 9, serial: 'R-9', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 300 },
            { unitId: 8, serial: 'R-8', deviceTypeId: 'modbus.eastron-sdm120' },
          ],
          retries: 0,
        }),
      );
      expect(batches.map((b) => b.readings[0]?.values.activeEnergy ?? b.problems[0]?.code)).to.deep.equal(['12345.67', 'no-answer', '987.125']);
    } finally {
      await sim.close();
      socat.kill();
    }
  });

  describeReaderDriver(ModbusRtuDriver as never, {
    validSettings: { device: '/dev/ttyUSB0', meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm120' }] },
    invalidSettings: [{ meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm120' }] }, { device: '/dev/ttyUSB0', baudRate: 1234, meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm120' }] }],
  });
});
