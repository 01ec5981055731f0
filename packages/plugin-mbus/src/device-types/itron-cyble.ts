import type { MbusDeviceType } from './mbus-device-type.js';
import { quantities, rules } from './rules.js';

/** Itron Cyble M-Bus module on a water meter. */
export const itronCyble: MbusDeviceType = {
  id: 'mbus.itron-cyble',
  label: { ru: 'Itron Cyble M-Bus (счетчик воды)', en: 'Itron Cyble M-Bus water meter' },
  kind: 'water-meter',
  quantities: [quantities.volume],
  primaryQuantity: 'volume',
  detection: { mbus: { manufacturer: 'ACW', versions: [20], media: ['Water', 'Cold water', 'Warm water (30-90°C)'] } },
  records: [rules.volume],
  sample: 'itron_cyble_m-bus_v1.4_water.hex',
};
