import { Decimal } from 'decimal.js';
import type { RawReading } from '@openamr/core/plugin-api';
import type { DecodedTelegram, SlaveInfo } from '../decoder/telegram.js';
import { CORE_RULES, MBUS_DEVICE_TYPES, detectDeviceType, valuesOf, type RecordRule } from '../device-types/index.js';

/**
 * A pulse adapter channel read as a connected meter: reading = start + (count − startCount) × weight.
 * `channel` is the adapter type's quantity key (`channel1`, or `inputA` of a heat meter's input).
 */
export interface PulseSetting {
  channel: string;
  /** Units of the connected meter per unit counted (e.g. `0.01` m³ per pulse). */
  weight: string;
  /** The connected meter's reading when the channel showed `startCount`. */
  start: string;
  startCount?: string;
}

export interface MeterReadOptions {
  /** The registry serial; by default the telegram's identification number. */
  serial?: string;
  /** The registry device type; by default detected from the telegram's header. */
  deviceTypeId?: string;
  pulse?: PulseSetting;
}

const CORE_PRIMARY: Record<string, string> = {
  'core.heat-meter': 'energy',
  'core.water-meter': 'volume',
  'core.heat-cost-allocator': 'heatUnits',
  'core.electricity-meter': 'activeEnergy',
};
const meterTypes = MBUS_DEVICE_TYPES.filter((t) => !t.pulseAdapter);

/** The device type and rules a telegram is read with: the setting's, else the detected model, else the core type of its medium. */
export function rulesFor(t: DecodedTelegram, deviceTypeId?: string): { deviceTypeId: string; records: readonly RecordRule[]; primary: string } | undefined {
  const own = deviceTypeId ? MBUS_DEVICE_TYPES.find((d) => d.id === deviceTypeId) : undefined;
  if (own) return { deviceTypeId: own.id, records: own.records, primary: own.primaryQuantity };
  if (deviceTypeId && CORE_RULES[deviceTypeId]) return { deviceTypeId, records: CORE_RULES[deviceTypeId]!.records, primary: CORE_PRIMARY[deviceTypeId]! };
  const detected = detectDeviceType(t.slave, meterTypes);
  if (detected) return { deviceTypeId: deviceTypeId ?? detected.id, records: detected.records, primary: detected.primaryQuantity };
  const core = Object.entries(CORE_RULES).find(([, r]) => r.media(t.slave.medium));
  return core ? { deviceTypeId: deviceTypeId ?? core[0], records: core[1].records, primary: CORE_PRIMARY[core[0]]! } : undefined;
}

/** The device type a meter's header says it is: a known model, else the core type of its medium. */
export function deviceTypeOfSlave(slave: SlaveInfo): string | undefined {
  return detectDeviceType(slave, meterTypes)?.id ?? Object.entries(CORE_RULES).find(([, r]) => r.media(slave.medium))?.[0];
}

/** A reading (with `dropped`: a value left out of it, e.g. a real that is not a number), or why there is none. */
export type TelegramReading = { reading: RawReading; dropped?: { code: string; message: string } } | { problem: { code: string; message: string } };

/**
 * The reading a telegram gives for a meter: its current values by the rules of its device
 * type (energy in kWh or GJ, volume m³, temperatures °C, power kW, flow m³/h, H.C.A. units
 * and the units at the set day, electricity kWh), the error flags as the error code; or,
 * for a pulse adapter channel, the connected meter's reading.
 */
export function telegramReading(t: DecodedTelegram, opts: MeterReadOptions, takenAt: string): TelegramReading {
  const serial = opts.serial ?? t.slave.id;
  let deviceTypeId: string;
  let values: Record<string, string>;
  let unit: string | undefined;
  let refusedValues: Array<[string, string]> = [];
  if (opts.pulse) {
    const adapter = detectDeviceType(t.slave, MBUS_DEVICE_TYPES.filter((d) => d.records.some((r) => r.key === opts.pulse!.channel)));
    const count = adapter ? valuesOf(t, adapter.records).values[opts.pulse.channel] : undefined;
    if (count === undefined) {
      return { problem: { code: 'no-channel', message: `Прибор ${serial}: в телеграмме адаптера ${t.slave.id} (${t.slave.manufacturer ?? '?'}, ${t.slave.medium}) нет канала ${opts.pulse.channel}` } };
    }
    deviceTypeId = opts.deviceTypeId ?? 'core.water-meter';
    const key = MBUS_DEVICE_TYPES.find((d) => d.id === deviceTypeId)?.primaryQuantity ?? CORE_PRIMARY[deviceTypeId] ?? 'value';
    const p = opts.pulse;
    values = { [key]: new Decimal(count).minus(p.startCount ?? '0').mul(p.weight).plus(p.start).toString() };
  } else {
    const how = rulesFor(t, opts.deviceTypeId);
    if (!how) return { problem: { code: 'unknown-type', message: `Прибор ${serial}: тип не определен по заголовку (${t.slave.manufacturer ?? '?'}, версия ${t.slave.version ?? '?'}, ${t.slave.medium}); укажите тип прибора в настройках` } };
    deviceTypeId = how.deviceTypeId;
    const typed = valuesOf(t, how.records);
    values = typed.values;
    unit = typed.units[how.primary];
    refusedValues = Object.entries(typed.refused);
    // A real that is not a number is never a reading: the meter's values are refused when its primary one is.
    if (typed.refused[how.primary] !== undefined || (refusedValues.length && !Object.keys(values).length)) {
      return { problem: { code: 'bad-value', message: `Прибор ${serial}: в телеграмме не число: ${refusedValues.map(([k, v]) => `${k} = ${v}`).join(', ')}` } };
    }
    if (!Object.keys(values).length) {
      return { problem: { code: 'no-values', message: `Прибор ${serial} (${t.slave.medium}): в телеграмме нет текущих значений для типа ${deviceTypeId}` } };
    }
  }
  const dropped = refusedValues.length
    ? { dropped: { code: 'bad-value', message: `Прибор ${serial}: в телеграмме не число, значение не сохранено: ${refusedValues.map(([k, v]) => `${k} = ${v}`).join(', ')}` } }
    : {};
  const flags = t.records.find((r) => r.quantity === 'Error flags' && r.storageNumber === 0 && typeof r.value === 'number')?.value as number | undefined;
  return {
    reading: {
      meterSerial: serial,
      deviceTypeId,
      takenAt,
      values,
      ...(unit ? { unit } : {}),
      ...(flags ? { errorCode: `E${flags}` } : {}),
      sourceKey: `mbus:${serial}:${takenAt.slice(0, 16)}`,
    },
    ...dropped,
  };
}
