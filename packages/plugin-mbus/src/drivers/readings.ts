import type { RawReading } from '@openamr/core/plugin-api';
import type { DecodedTelegram } from '../decoder/telegram.js';

/** The core device type a telegram's medium stands for (the meter's own type wins when set). */
export function deviceTypeOf(medium: string): string | undefined {
  if (medium === 'Electricity') return 'core.electricity-meter';
  if (medium.startsWith('Heat:') || medium === 'Heat / Cooling load meter') return 'core.heat-meter';
  if (medium === 'Heat Cost Allocator') return 'core.heat-cost-allocator';
  if (/water/i.test(medium)) return 'core.water-meter';
  return undefined;
}

const decimal = (v: number) => String(Number(v.toPrecision(12)));

/**
 * The current values of a telegram as a reading of the device type: the instantaneous
 * records of storage 0 (no tariff, no subunit), each quantity once — energy in kWh (from Wh)
 * or GJ (from J), volume m³, temperatures °C, power kW, flow m³/h, H.C.A. units — and the
 * error flags as the error code.
 */
export function telegramReading(t: DecodedTelegram, serial: string, deviceTypeId: string, takenAt: string): RawReading | undefined {
  const current = t.records.filter((r) => r.function === 'Instantaneous value' && r.storageNumber === 0 && !r.tariff && !r.subunit && typeof r.value === 'number');
  const first = (quantity: string, unit?: string) => current.find((r) => r.quantity === quantity && (!unit || r.unit === unit))?.value as number | undefined;
  const values: Record<string, string> = {};
  let unit: string | undefined;
  const energyWh = first('Energy', 'Wh');
  const energyJ = first('Energy', 'J');
  const energy = energyWh !== undefined ? { v: decimal(energyWh / 1000), unit: 'kWh' } : energyJ !== undefined ? { v: decimal(energyJ / 1e9), unit: 'GJ' } : undefined;
  if (deviceTypeId === 'core.electricity-meter' && energy) {
    values.activeEnergy = energy.v;
    unit = energy.unit;
  } else if (deviceTypeId === 'core.heat-meter') {
    if (energy) {
      values.energy = energy.v;
      unit = energy.unit;
    }
    const add = (key: string, v: number | undefined, f = 1) => v !== undefined && (values[key] = decimal(v * f));
    add('volume', first('Volume', 'm^3'));
    add('flowTemperature', first('Flow temperature', '°C'));
    add('returnTemperature', first('Return temperature', '°C'));
    add('power', first('Power', 'W'), 1 / 1000);
    add('flow', first('Volume flow', 'm^3/h'));
  } else if (deviceTypeId === 'core.water-meter') {
    const v = first('Volume', 'm^3');
    if (v !== undefined) values.volume = decimal(v);
  } else if (deviceTypeId === 'core.heat-cost-allocator') {
    const v = first('H.C.A.');
    if (v !== undefined) values.heatUnits = decimal(v);
  }
  if (!Object.keys(values).length) return undefined;
  const flags = first('Error flags');
  return {
    meterSerial: serial,
    deviceTypeId,
    takenAt,
    values,
    ...(unit ? { unit } : {}),
    ...(flags ? { errorCode: `E${flags}` } : {}),
    sourceKey: `mbus:${serial}:${takenAt.slice(0, 16)}`,
  };
}
