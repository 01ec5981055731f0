import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createTestApp, describeDeviceType, type TestApp } from '@openamr/core/testing';
import { registryDeviceType } from '../src/device-types/index.js';
import { MBUS_DEVICE_TYPES, decodeTelegram, detectDeviceType, parseHex, telegramReading } from '../src/index.js';
import { CORPUS } from './corpus.js';

const telegram = (name: string) => decodeTelegram(parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8')));
const AT = '2024-03-01T00:00:00.000Z';
const readingOf = (name: string, opts = {}) => {
  const r = telegramReading(telegram(name), opts, AT);
  if (!('reading' in r)) throw new Error(`${name}: ${r.problem.message}`);
  return r.reading;
};

/**
 * Each model ships with a real frame and the values it must give, worked out by hand from
 * libmbus's normalized XML of that frame (Wh → kWh, W → kW, exact decimals).
 */
const EXPECTED: Record<string, { values: Record<string, string>; unit?: string; serial: string }> = {
  'mbus.kamstrup-multical-601': {
    serial: '6855817',
    unit: 'kWh',
    values: { energy: '37351', volume: '561.08', flowTemperature: '101.69', returnTemperature: '46.16', power: '34.7', flow: '0.543', inputA: '0', inputB: '0' },
  },
  'mbus.sensus-pollutherm': { serial: '24351689', unit: 'kWh', values: { energy: '0', volume: '0', power: '0', flow: '0' } },
  'mbus.engelmann-sensostar': { serial: '24083345', unit: 'kWh', values: { energy: '0', volume: '0', flowTemperature: '22', returnTemperature: '21', power: '0', flow: '0' } },
  'mbus.engelmann-waterstar': { serial: '4990254', unit: 'm3', values: { volume: '0.332', flow: '0' } },
  'mbus.itron-cyble': { serial: '12000071', unit: 'm3', values: { volume: '123.49' } },
  'mbus.saia-burgess-ale3': { serial: '19000055', unit: 'kWh', values: { activeEnergy: '2.99', tariff1: '2.93', tariff2: '0.06', voltage: '223', current: '0', power: '0' } },
  'mbus.relay-hca': { serial: '1030101', unit: 'units', values: { heatUnits: '1987', setDayUnits: '1302' } },
};

describe('plugin-mbus: device types as data, detected from the telegram header', () => {
  for (const type of MBUS_DEVICE_TYPES.filter((t) => !t.pulseAdapter)) {
    it(`${type.id}: detected on its sample ${type.sample} and read to the exact values`, () => {
      const t = telegram(type.sample!);
      expect(detectDeviceType(t.slave, MBUS_DEVICE_TYPES)?.id).to.equal(type.id);
      const r = readingOf(type.sample!);
      const want = EXPECTED[type.id]!;
      expect(r).to.deep.include({ meterSerial: want.serial, deviceTypeId: type.id, takenAt: AT, sourceKey: `mbus:${want.serial}:2024-03-01T00:00` });
      expect(r.values).to.deep.equal(want.values);
      expect(r.unit).to.equal(want.unit);
      // Every value is a quantity of the type, in the unit the type declares for it.
      for (const key of Object.keys(r.values)) expect(type.quantities.map((q) => q.key), key).to.include(key);
    });
  }

  it('falls back to the core type of the medium when no model matches, and says so when nothing does', () => {
    const water = readingOf('oms_frame2.hex');
    expect(water.deviceTypeId).to.equal('core.water-meter');
    expect(Object.keys(water.values)).to.deep.equal(['volume']);
    const heat = readingOf('abb_f95.hex');
    expect(heat.deviceTypeId).to.equal('core.heat-meter');
    expect(heat.values.energy).to.be.a('string');
    const other = telegramReading(telegram('ELV-Elvaco-CMa10.hex'), {}, AT);
    expect(other).to.have.property('problem');
    expect((other as { problem: { code: string; message: string } }).problem.code).to.equal('unknown-type');
  });

  it('reads a telegram by the type set on the meter, a core type included', () => {
    const r = readingOf('kamstrup_multical_601.hex', { deviceTypeId: 'core.heat-meter', serial: 'ТС-1' });
    expect(r).to.include({ meterSerial: 'ТС-1', deviceTypeId: 'core.heat-meter', unit: 'kWh' });
    expect(r.values).to.deep.equal({ energy: '37351', volume: '561.08', flowTemperature: '101.69', returnTemperature: '46.16', power: '34.7', flow: '0.543' });
  });

  it('sums the tariffs of an electricity meter read as the core type', () => {
    expect(readingOf('SBC_Saia-Burgess-ALE3.hex', { deviceTypeId: 'core.electricity-meter' }).values).to.deep.equal({ activeEnergy: '2.99' });
  });

  it('turns a pulse adapter channel into the connected meter’s reading: start + (count − startCount) × weight', () => {
    const r = readingOf('REL-Relay-Padpuls2.hex', { serial: 'ХВС-77', deviceTypeId: 'core.water-meter', pulse: { channel: 'channel1', weight: '0.01', start: '100.5', startCount: '28000' } });
    // channel1 = 28760.81 (libmbus); 100.5 + 760.81 × 0.01
    expect(r).to.deep.include({ meterSerial: 'ХВС-77', deviceTypeId: 'core.water-meter', values: { volume: '108.1081' } });
    const a = readingOf('kamstrup_multical_601.hex', { serial: 'ГВС-5', deviceTypeId: 'core.water-meter', pulse: { channel: 'inputA', weight: '1', start: '12.5' } });
    expect(a.values).to.deep.equal({ volume: '12.5' });
    const missing = telegramReading(telegram('oms_frame2.hex'), { serial: 'X', pulse: { channel: 'channel1', weight: '1', start: '0' } }, AT);
    expect((missing as { problem: { code: string } }).problem.code).to.equal('no-channel');
  });

  it('prefers the most specific rule: manufacturer and version over manufacturer over medium', () => {
    const base = { id: 'x', label: { ru: 'x', en: 'x' }, kind: 'heat-meter' as const, quantities: [], primaryQuantity: 'energy' };
    const types = [
      { ...base, id: 'a', detection: { mbus: { media: ['Heat: Outlet'] } } },
      { ...base, id: 'b', detection: { mbus: { manufacturer: 'KAM' } } },
      { ...base, id: 'c', detection: { mbus: { manufacturer: 'KAM', versions: [8] } } },
      { ...base, id: 'd', detection: { mbus: { manufacturer: 'KAM', versions: [9] } } },
    ];
    const slave = telegram('kamstrup_multical_601.hex').slave;
    expect(detectDeviceType(slave, types)?.id).to.equal('c');
    expect(detectDeviceType(slave, types.slice(0, 2))?.id).to.equal('b');
    expect(detectDeviceType(slave, types.slice(0, 1))?.id).to.equal('a');
    expect(detectDeviceType({ ...slave, medium: 'Water', manufacturer: 'XYZ' }, types)).to.equal(undefined);
  });

  describe('in the registry', () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp({ plugins: [{ package: '@openamr/plugin-mbus' }] });
    });
    after(() => app?.close());

    it('lists the models as device types (not the pulse adapter), with their quantities', async () => {
      const cookie = (await app.loginAs('operator'))!;
      const res = await app.inject({ method: 'GET', url: '/api/device-types', cookie });
      expect(res.statusCode).to.equal(200);
      const list = res.json().items as Array<{ id: string; kind: string; quantities: Array<{ key: string }> }>;
      const ids = list.map((t) => t.id).filter((id) => id.startsWith('mbus.'));
      expect(ids.sort()).to.deep.equal(MBUS_DEVICE_TYPES.filter((t) => !t.pulseAdapter).map((t) => t.id).sort());
      expect(list.find((t) => t.id === 'mbus.relay-hca')).to.deep.include({ kind: 'heat-cost-allocator' });
      expect(list.find((t) => t.id === 'mbus.kamstrup-multical-601')!.quantities.map((q) => q.key)).to.include.members(['energy', 'inputA']);
    });
  });
});

describe('plugin-mbus: device types through the conformance kit', () => {
  for (const type of MBUS_DEVICE_TYPES.filter((t) => !t.pulseAdapter)) describeDeviceType(registryDeviceType(type));
});
