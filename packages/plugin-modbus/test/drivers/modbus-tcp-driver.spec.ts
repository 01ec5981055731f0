import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sinon from 'sinon';
import { ConfigError, ConnectionError, type ConcentratorTarget, type KnownMeter } from '@openamr/core/plugin-api';
import { createDriverContext, describeReaderDriver } from '@openamr/core/testing';
import { freePort, ModbusTcpDriver, startModbusTcpSimulator, type ModbusSettings, type ModbusSimulator, type SimulatedUnit } from '../../src/index.js';
import { asStrings, caught, poll, SDM120, SDM630, targetOf } from '../helpers.js';

const driver = new ModbusTcpDriver();
const fixtures = new URL('../fixtures/tcp/', import.meta.url).pathname;

interface FixtureInput {
  settings: Record<string, unknown>;
  knownMeters?: KnownMeter[];
  units: SimulatedUnit[];
}
const inputOf = (dir: string): FixtureInput => JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));

const sdm630 = { unitId: 1, serial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630' };
const sdm120 = { unitId: 2, serial: 'SDM120-2', deviceTypeId: 'modbus.eastron-sdm120' };

describe('drivers/modbus-tcp-driver', () => {
  describe('ModbusTcpDriver against modbus-serial’s ServerTCP', () => {
    // Each fixture case is a bus (input.json: the units' raw registers) behind its own ServerTCP.
    const sims = new Map<string, ModbusSimulator>();
    let clock: sinon.SinonFakeTimers;
    before(async () => {
      for (const c of readdirSync(fixtures)) sims.set(c, await startModbusTcpSimulator({ units: inputOf(join(fixtures, c)).units }));
      // Readings are taken at the poll's minute: a fixed clock makes them exact (only Date is faked; sockets and timers run).
      clock = sinon.useFakeTimers({ now: new Date('2026-03-01T10:15:42.123Z'), toFake: ['Date'] });
    });
    after(async () => {
      clock?.restore();
      for (const sim of sims.values()) await sim.close();
    });

    describeReaderDriver(ModbusTcpDriver, {
      validSettings: { meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm630' }] },
      invalidSettings: [
        {},
        { meters: [] },
        { meters: [{ unitId: 256, serial: 'A' }] },
        { meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.unknown' }] },
        { meters: [{ unitId: 1, deviceTypeId: 'modbus.eastron-sdm630' }] },
        { meters: [{ unitId: 1, serial: 'A' }, { unitId: 1, serial: 'B' }] },
        { meters: [{ unitId: 1, serial: 'A' }, { unitId: 2, serial: 'A' }] },
        { meters: [{ unitId: 1, serial: 'A' }], timeoutMs: 10 },
      ],
      fixturesDir: fixtures,
      target: (dir) => targetOf(driver, inputOf(dir).settings, { host: '127.0.0.1', port: sims.get(dir.split('/').filter(Boolean).pop()!)!.port }) as unknown as ConcentratorTarget,
      meters: inputOf(join(fixtures, 'mixed-bus')).knownMeters,
    });
  });

  describe('open() and read()', () => {
    let sim: ModbusSimulator;
    const units: SimulatedUnit[] = [
      { unitId: 1, deviceTypeId: 'modbus.eastron-sdm630', values: SDM630 },
      { unitId: 2, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
      { unitId: 3, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120, dead: true },
      { unitId: 4, deviceTypeId: 'modbus.eastron-sdm120', values: { ...SDM120, activeEnergy: 4 }, delayMs: 400 },
      { unitId: 5, deviceTypeId: 'modbus.eastron-sdm120', values: { ...SDM120, activeEnergy: 5 } },
    ];
    const tcp = (raw: Record<string, unknown>) => targetOf<ModbusSettings>(driver, raw, { host: '127.0.0.1', port: sim.port });
    before(async () => {
      sim = await startModbusTcpSimulator({ units });
    });
    after(() => sim?.close());

    it('reads every meter on the bus with the values its registers encode', async () => {
      const batches = await poll(driver, tcp({ meters: [sdm630, sdm120] }));
      expect(batches.map((b) => b.source)).to.deep.equal(['Modbus, unit 1', 'Modbus, unit 2']);
      expect(batches[0]!.readings[0]!.values).to.deep.equal(asStrings(SDM630));
      expect(batches[1]!.readings[0]!.values).to.deep.equal(asStrings(SDM120));
      expect(batches[0]!.readings[0]).to.deep.include({ meterSerial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630' });
      const takenAt = batches[0]!.readings[0]!.takenAt as string;
      expect(takenAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
      expect(Date.now() - Date.parse(takenAt)).to.be.within(0, 61_000);
      expect(batches[0]!.readings[0]!.sourceKey).to.equal(`modbus:c1:SDM630-1:${takenAt}`);
    });

    it('lists a dead unit after its own timeout and retries, and reads the units after it', async () => {
      const t0 = Date.now();
      const batches = await poll(driver, tcp({ meters: [{ unitId: 3, serial: 'DEAD-3', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 150 }, sdm120], retries: 1 }));
      const elapsed = Date.now() - t0;
      expect(batches[0]!.readings).to.deep.equal([]);
      expect(batches[0]!.problems).to.deep.equal([{ code: 'no-answer', meterSerial: 'DEAD-3', message: 'Прибор DEAD-3 (unit 3): не ответил за 150 мс (попыток: 2)' }]);
      expect(batches[1]!.readings[0]!.values.activeEnergy).to.equal('987.125');
      // Two waits of 150 ms, not the bus default of a second each.
      expect(elapsed).to.be.within(290, 1000);
    });

    it('does not take a slow unit’s late answer for the next unit’s', async () => {
      const batches = await poll(driver, tcp({ meters: [{ unitId: 4, serial: 'SLOW-4', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 200 }, { unitId: 5, serial: 'SDM120-5', deviceTypeId: 'modbus.eastron-sdm120' }], retries: 0 }));
      expect(batches[0]!.problems.map((p) => p.code)).to.deep.equal(['no-answer']);
      expect(batches[1]!.problems).to.deep.equal([]);
      expect(batches[1]!.readings[0]!.values).to.deep.equal(asStrings({ ...SDM120, activeEnergy: 5 }));
    });

    it('makes an exception answer a problem of its meter, not retried', async () => {
      const before = sim.served.get(2) ?? 0;
      const batches = await poll(driver, tcp({ meters: [{ unitId: 2, serial: 'AS-630', deviceTypeId: 'modbus.eastron-sdm630' }, { unitId: 5, serial: 'SDM120-5', deviceTypeId: 'modbus.eastron-sdm120' }], retries: 3 }));
      expect(batches[0]!.problems).to.deep.equal([
        { code: 'modbus-exception', meterSerial: 'AS-630', message: 'Прибор AS-630 (unit 2): исключение 2 (недопустимый адрес регистра), регистры ввода 0x0000–0x0011' },
      ]);
      expect((sim.served.get(2) ?? 0) - before).to.equal(1);
      expect(batches[1]!.readings).to.have.length(1);
    });

    it('takes a meter’s model from the registry when the settings name none', async () => {
      const meters = [{ unitId: 1, serial: 'SDM630-1' }, { unitId: 2, serial: 'NOT-IN-REGISTRY' }, { unitId: 5, serial: 'CORE-TYPE' }];
      const known = [
        { serial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630' },
        { serial: 'CORE-TYPE', deviceTypeId: 'core.electricity-meter' },
      ];
      const batches = await poll(driver, tcp({ meters }), { meters: known });
      expect(batches[0]!.readings[0]!.values).to.deep.equal(asStrings(SDM630));
      expect(batches.slice(1).map((b) => [b.readings.length, b.problems.map((p) => [p.code, p.meterSerial])])).to.deep.equal([
        [0, [['no-register-map', 'NOT-IN-REGISTRY']]],
        [0, [['no-register-map', 'CORE-TYPE']]],
      ]);
      expect(batches[1]!.problems[0]!.message).to.contain('укажите модель в настройках концентратора (modbus.eastron-sdm630, modbus.eastron-sdm120, modbus.carlo-gavazzi-em340)');
    });

    it('throws ConnectionError from open() when nothing listens at the gateway address', async () => {
      const port = await freePort();
      const err = await caught(() => poll(driver, targetOf(driver, { meters: [sdm630] }, { host: '127.0.0.1', port })));
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.contain(`Шлюз Modbus 127.0.0.1:${port} недоступен`).and.to.contain('ECONNREFUSED');
    });

    it('throws ConfigError when the concentrator has no host', async () => {
      const err = await caught(() => poll(driver, targetOf(driver, { meters: [sdm630] })));
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).details).to.deep.equal({ field: 'host' });
    });

    it('throws ConnectionError when the gateway drops the link mid-poll, after the meters already read', async () => {
      const read: string[] = [];
      const t0 = Date.now();
      setTimeout(() => sim.dropConnections(), 150);
      const session = await driver.open(tcp({ meters: [sdm630, { unitId: 4, serial: 'SLOW-4', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 5000 }, sdm120] }), createDriverContext());
      const err = await caught(async () => {
        for await (const b of session.read()) read.push(b.readings[0]?.meterSerial ?? '-');
      });
      await session.close();
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.contain('связь потеряна');
      expect(read).to.deep.equal(['SDM630-1']);
      // At once, not after the slow unit's 5 s timeout.
      expect(Date.now() - t0).to.be.lessThan(1500);
    });

    it('stops at once and closes the connection when the poll is aborted', async () => {
      const ac = new AbortController();
      const target = tcp({ meters: [{ unitId: 3, serial: 'DEAD-3', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 5000 }, sdm120], retries: 3 });
      const session = await driver.open(target, createDriverContext({ signal: ac.signal }));
      expect(sim.connections()).to.equal(1);
      setTimeout(() => ac.abort(new Error('stop')), 100);
      const t0 = Date.now();
      const err = await caught(async () => {
        for await (const _ of session.read()) expect.fail('no batch after the abort');
      });
      expect(err.message).to.equal('stop');
      expect(Date.now() - t0).to.be.lessThan(1000);
      for (let i = 0; i < 50 && sim.connections() > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sim.connections(), 'the socket is still open').to.equal(0);
      await session.close();
    });
  });

  describe('check()', () => {
    let sim: ModbusSimulator;
    before(async () => {
      sim = await startModbusTcpSimulator({ units: [{ unitId: 2, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 }] });
    });
    after(() => sim?.close());

    it('says how many meters answered, storing nothing', async () => {
      const r = await driver.check(targetOf(driver, { meters: [sdm120, { unitId: 3, serial: 'DEAD-3', deviceTypeId: 'modbus.eastron-sdm120' }], timeoutMs: 100 }, { host: '127.0.0.1', port: sim.port }), createDriverContext());
      expect(r).to.deep.equal({ ok: true, message: `Modbus 127.0.0.1:${sim.port} доступен; ответили приборов: 1 из 2` });
    });

    it('is not ok when the gateway is not there', async () => {
      const port = await freePort();
      const r = await driver.check(targetOf(driver, { meters: [sdm120] }, { host: '127.0.0.1', port }), createDriverContext());
      expect(r.ok).to.equal(false);
      expect(r.message).to.contain(`Шлюз Modbus 127.0.0.1:${port} недоступен`);
    });
  });
});
