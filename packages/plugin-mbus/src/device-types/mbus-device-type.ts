import { Decimal } from 'decimal.js';
import type { DeviceType } from '@openamr/core/plugin-api';
import type { DecodedRecord, DecodedTelegram, SlaveInfo } from '../decoder/telegram.js';

/**
 * Which record of a telegram holds a quantity, and how its value becomes the quantity's
 * unit. Values are taken as libmbus scales them and converted exactly (decimal.js).
 */
export interface RecordRule {
  /** The device type's quantity key, e.g. `energy`. */
  key: string;
  /** The decoder's (libmbus's) quantity name, e.g. `Energy`, `Volume`, `H.C.A.`; null for a fixed-structure record (CI 73), told by its unit alone. */
  quantity: string | null;
  /** Per decoded unit: the unit stored and the factor to it, e.g. `{ Wh: ['kWh', '0.001'] }`. */
  units: Record<string, readonly [unit: string, factor: string]>;
  /** Default `Instantaneous value`. */
  function?: DecodedRecord['function'];
  /** Default 0 (the current value); 1 is usually the value at the set day. */
  storage?: number;
  /** A tariff number, `'sum'` for the sum of tariffs 1…n, or none (default: no tariff or tariff 0). */
  tariff?: number | 'sum';
  /** Default: no subunit or subunit 0. */
  subunit?: number;
}

/** A device type of this plugin: the registry's data plus how to read it from a telegram. */
export interface MbusDeviceType extends DeviceType {
  records: readonly RecordRule[];
  /** The corpus frame its expected values are tested on (ships with the type). */
  sample?: string;
  /**
   * A pulse adapter: its channels are not readings by themselves but count a connected
   * meter's pulses (a meter setting `pulse` names the channel). Not a registry device type.
   */
  pulseAdapter?: boolean;
}

/** The part the registry keeps (the core's device type, without the M-Bus rules). */
export function registryDeviceType(t: MbusDeviceType): DeviceType {
  const { records: _records, sample: _sample, pulseAdapter: _adapter, ...deviceType } = t;
  return deviceType;
}

/** Values with up to 12 significant digits, as libmbus prints them (binary floats cleaned). */
const clean = (v: number) => new Decimal(v.toPrecision(12));

function pick(t: DecodedTelegram, rule: RecordRule): DecodedRecord[] {
  const fn = rule.function ?? 'Instantaneous value';
  const storage = rule.storage ?? 0;
  return t.records.filter(
    (r) =>
      r.function === fn &&
      r.storageNumber === storage &&
      r.quantity === rule.quantity &&
      typeof r.value === 'number' &&
      (rule.subunit ? r.subunit === rule.subunit : !r.subunit) &&
      (rule.tariff === 'sum' ? (r.tariff ?? 0) > 0 : rule.tariff !== undefined ? r.tariff === rule.tariff : !r.tariff) &&
      r.unit !== null &&
      rule.units[r.unit] !== undefined,
  );
}

export interface TypedValues {
  values: Record<string, string>;
  /** Units by key, where the telegram decided them (e.g. energy in kWh or GJ). */
  units: Record<string, string>;
  /** Keys whose record holds no number (a real that is NaN or infinite): left out of `values`. */
  refused: Record<string, string>;
}

/** The values of a telegram by the rules of a device type; keys without a record are left out. */
export function valuesOf(t: DecodedTelegram, records: readonly RecordRule[]): TypedValues {
  const values: Record<string, string> = {};
  const units: Record<string, string> = {};
  const refused: Record<string, string> = {};
  for (const rule of records) {
    if (values[rule.key] !== undefined) continue;
    const found = pick(t, rule);
    if (!found.length) continue;
    const bad = found.find((r) => !Number.isFinite(r.value));
    if (bad) {
      refused[rule.key] = String(bad.value);
      continue;
    }
    delete refused[rule.key];
    const used = rule.tariff === 'sum' ? found : found.slice(0, 1);
    const [unit] = rule.units[used[0]!.unit!]!;
    // A sum needs every tariff in the same unit.
    if (used.some((r) => rule.units[r.unit!]![0] !== unit)) continue;
    values[rule.key] = used.reduce((a, r) => a.plus(clean(r.value as number).mul(rule.units[r.unit!]![1])), new Decimal(0)).toString();
    units[rule.key] = unit;
  }
  return { values, units, refused };
}

/**
 * The device type a telegram's header says the meter is: the most specific match of the
 * types' `detection.mbus` (manufacturer 4, version 2, medium 1), else undefined.
 */
export function detectDeviceType<T extends DeviceType>(slave: SlaveInfo, types: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const type of types) {
    const rule = type.detection?.mbus;
    if (!rule) continue;
    if (rule.manufacturer && rule.manufacturer !== slave.manufacturer) continue;
    if (rule.versions && (slave.version === null || !rule.versions.includes(slave.version))) continue;
    if (rule.media && !rule.media.includes(slave.medium)) continue;
    const score = (rule.manufacturer ? 4 : 0) + (rule.versions ? 2 : 0) + (rule.media ? 1 : 0);
    if (score > bestScore) {
      best = type;
      bestScore = score;
    }
  }
  return best;
}
