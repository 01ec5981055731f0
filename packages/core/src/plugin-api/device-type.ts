import type { LocalizedText } from './errors.js';

export type DeviceKind = 'heat-cost-allocator' | 'heat-meter' | 'water-meter' | 'electricity-meter';

export const DEVICE_KINDS: readonly DeviceKind[] = [
  'heat-cost-allocator',
  'heat-meter',
  'water-meter',
  'electricity-meter',
];

/** One measured quantity of a device type. The key names the quantity, never the unit. */
export interface QuantitySpec {
  /** Stable key used in `RawReading.values`, e.g. `energy`, `volume`, `flowTemperature`. */
  key: string;
  /** What is measured, e.g. `energy`, `volume`, `hca-units`, `temperature`, `power`, `flow`. */
  quantity: string;
  /** The unit values of this key are expressed in: `Gcal`, `GJ`, `MWh`, `kWh`, `Wh`, `m3`, `units`, `°C`, `kW`, `m3/h`. */
  unit: string;
  /** True when the value only grows (a register), false for an instantaneous value. */
  cumulative: boolean;
  label?: LocalizedText;
}

/** Rules a driver may use to recognise the device type of a meter it finds. */
export interface DetectionRules {
  mbus?: { manufacturer?: string; versions?: number[]; media?: string[] };
  [protocol: string]: unknown;
}

/**
 * A device type is data (STYLE.md rule 7): one literal per file in the plugin that knows it.
 * Its id is `'<pluginId>.<model>'` and never changes once published, since meters reference it.
 */
export interface DeviceType {
  id: string;
  label: { ru: string; en: string };
  kind: DeviceKind;
  quantities: QuantitySpec[];
  /** The key of the quantity that is "the reading" of this meter (allocations and reports use it). */
  primaryQuantity: string;
  detection?: DetectionRules;
  /** Texts of the error codes the device reports, by code. */
  errorCodes?: Record<string, { ru: string; en: string }>;
}
