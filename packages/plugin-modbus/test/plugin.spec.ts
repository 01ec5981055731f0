import { expect } from 'chai';
import { createTestApp, type TestApp } from '@openamr/core/testing';
import plugin from '../src/index.js';
import { freePort, startModbusTcpSimulator, type ModbusSimulator } from '../src/index.js';
import { SDM120, SDM630 } from './helpers.js';

describe('plugin-modbus', () => {
  let app: TestApp;
  let manager: string;
  let operator: string;
  let buildingId: string;
  let sim: ModbusSimulator;

  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-modbus' }] });
    manager = (await app.loginAs('manager'))!;
    operator = (await app.loginAs('operator'))!;
    buildingId = (await app.inject({ method: 'POST', url: '/api/buildings', cookie: manager, payload: { name: 'Дом Modbus', address: 'ул. Шинная, 485' } })).json().id;
    const premise = (await app.inject({ method: 'POST', url: `/api/buildings/${buildingId}/premises`, cookie: manager, payload: { number: 'ВРУ', area: 10, kind: 'non-residential' } })).json();
    for (const [serial, deviceTypeId] of [
      ['SDM630-1', 'modbus.eastron-sdm630'],
      // A meter registered with the core's type: its model comes from the concentrator's settings.
      ['SDM120-2', 'core.electricity-meter'],
      // Its model comes from the registry: the settings give only its unit id.
      ['EM340-3', 'modbus.carlo-gavazzi-em340'],
      ['DEAD-4', 'modbus.eastron-sdm120'],
    ]) {
      const m = await app.inject({ method: 'POST', url: '/api/meters', cookie: manager, payload: { serial, deviceTypeId, premiseId: premise.id } });
      expect(m.statusCode, m.payload).to.equal(201);
    }
    sim = await startModbusTcpSimulator({
      units: [
        { unitId: 1, deviceTypeId: 'modbus.eastron-sdm630', values: SDM630 },
        { unitId: 2, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
        { unitId: 3, deviceTypeId: 'modbus.carlo-gavazzi-em340', values: { activeEnergy: 123456.7, exportEnergy: 1.5, voltageL1: 230.1 } },
        { unitId: 4, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120, dead: true },
      ],
    });
  });
  after(async () => {
    await sim?.close();
    await app?.close();
  });

  async function concentrator(port: number, settings: Record<string, unknown>): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/api/concentrators', cookie: manager, payload: { buildingId, type: 'total-rs485', host: '127.0.0.1', port, driverId: 'modbus.tcp', settings } });
    expect(res.statusCode, res.payload).to.equal(201);
    return res.json().id;
  }

  async function pollNow(id: string) {
    const res = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/poll`, cookie: manager });
    expect(res.statusCode, res.payload).to.equal(202);
    for (let i = 0; i < 400; i++) {
      const run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${res.json().runId}`, cookie: operator })).json();
      if (run.outcome !== 'running') return run;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the poll did not finish');
  }

  it('declares itself without side effects and is listed with its drivers and device types', async () => {
    expect(Object.isFrozen(plugin)).to.equal(true);
    const plugins = (await app.inject({ method: 'GET', url: '/api/plugins', cookie: operator })).json();
    expect(plugins.items.find((p: { id: string }) => p.id === 'modbus')).to.deep.include({ name: '@openamr/plugin-modbus', readerDrivers: ['modbus.tcp', 'modbus.rtu'] });
    const types = (await app.inject({ method: 'GET', url: '/api/device-types', cookie: operator })).json().items;
    const sdm630 = types.find((t: { id: string }) => t.id === 'modbus.eastron-sdm630');
    expect(sdm630).to.deep.include({ kind: 'electricity-meter', primaryQuantity: 'activeEnergy' });
    expect(sdm630).to.not.have.property('registers');
    expect(types.map((t: { id: string }) => t.id)).to.include.members(['modbus.eastron-sdm120', 'modbus.carlo-gavazzi-em340']);
  });

  it('gives the web UI its settings form as JSON Schema from the joi schema', async () => {
    const drivers = (await app.inject({ method: 'GET', url: '/api/concentrator-types', cookie: operator })).json().drivers;
    const tcp = drivers.find((d: { id: string }) => d.id === 'modbus.tcp');
    expect(tcp).to.deep.include({ mode: 'poll', canCheck: true, canScan: false, settings: ['meters', 'timeoutMs', 'retries', 'gapMs'] });
    const form = tcp.settingsSchema;
    expect(form.required).to.deep.equal(['meters']);
    expect(form.properties.timeoutMs).to.deep.include({ type: 'integer', default: 1000, description: 'Ожидание ответа прибора, мс' });
    const meter = form.properties.meters.items;
    expect(meter.required).to.deep.equal(['unitId', 'serial']);
    expect(meter.properties.unitId).to.deep.include({ minimum: 0, maximum: 255, description: 'Адрес на шине (unit id), 0–255' });
    expect(meter.properties.deviceTypeId.enum).to.deep.equal(['modbus.eastron-sdm630', 'modbus.eastron-sdm120', 'modbus.carlo-gavazzi-em340']);
    const rtu = drivers.find((d: { id: string }) => d.id === 'modbus.rtu').settingsSchema;
    expect(rtu.properties.meters.items.properties.unitId).to.deep.include({ minimum: 1, maximum: 247 });
    expect(rtu.properties.baudRate).to.deep.include({ default: 9600 });
  });

  it('«Считать сейчас» stores the meters’ readings through the poll runner and journals the dead unit', async () => {
    const id = await concentrator(sim.port!, {
      meters: [
        { unitId: 1, serial: 'SDM630-1', deviceTypeId: 'modbus.eastron-sdm630' },
        { unitId: 2, serial: 'SDM120-2', deviceTypeId: 'modbus.eastron-sdm120' },
        { unitId: 3, serial: 'EM340-3' },
        { unitId: 4, serial: 'DEAD-4', timeoutMs: 200 },
      ],
      retries: 0,
    });
    const minute = new Date().toISOString().slice(0, 16);
    const run = await pollNow(id);
    expect(run, JSON.stringify(run)).to.include({ outcome: 'partial', readingsStored: 3 });
    expect(run.problems).to.deep.equal([{ code: 'no-answer', meterSerial: 'DEAD-4', message: 'Прибор DEAD-4 (unit 4): не ответил за 200 мс (попыток: 1)' }]);

    const stored = await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').orderBy('m.serial').select('m.serial', 'r.value', 'r.unit', 'r.values', 'r.source', 'r.source_key', 'r.taken_at');
    expect(stored.map((s) => [s.serial, String(s.value), s.unit, s.source])).to.deep.equal([
      ['EM340-3', '123456.7', 'kWh', 'poll'],
      ['SDM120-2', '987.125', 'kWh', 'poll'],
      ['SDM630-1', '12345.67', 'kWh', 'poll'],
    ]);
    expect(stored[2].values).to.deep.include({ voltageL1: '230.1', currentL3: '12.125', power: '4.05', exportEnergy: '1.5' });
    expect(stored[0].values).to.deep.include({ voltageL1: '230.1', exportEnergy: '1.5' });
    const takenAt = new Date(stored[2].taken_at);
    expect(takenAt.getUTCSeconds() + takenAt.getUTCMilliseconds()).to.equal(0);
    expect(stored[2].source_key).to.equal(`modbus:${id}:SDM630-1:${takenAt.toISOString()}`);

    // Polled again within the same minute, the readings are the same readings: nothing new is stored.
    const again = await pollNow(id);
    if (new Date().toISOString().slice(0, 16) === minute) expect(again).to.include({ outcome: 'partial', readingsStored: 0, duplicates: 3 });
    else expect(again).to.include({ outcome: 'partial', readingsStored: 3 });
  });

  it('«Проверить соединение» reports the answering meters', async () => {
    const id = await concentrator(sim.port!, { meters: [{ unitId: 2, serial: 'SDM120-2', deviceTypeId: 'modbus.eastron-sdm120' }], timeoutMs: 200 });
    const res = await app.inject({ method: 'POST', url: `/api/concentrators/${id}/check`, cookie: manager });
    expect(res.statusCode, res.payload).to.equal(200);
    expect(res.json()).to.deep.include({ ok: true, message: `Modbus 127.0.0.1:${sim.port} доступен; ответили приборов: 1 из 1` });
  });

  it('journals a gateway that refuses the connection as a connection error', async () => {
    const port = await freePort();
    const id = await concentrator(port, { meters: [{ unitId: 1, serial: 'SDM630-1' }] });
    const run = await pollNow(id);
    expect(run.outcome).to.equal('connection-error');
    expect(run.error).to.contain(`Шлюз Modbus 127.0.0.1:${port} недоступен`);
    expect(run.attempts).to.equal(2);
  });
});
