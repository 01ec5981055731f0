import type { MbusDeviceType } from './mbus-device-type.js';
import { quantities, rules } from './rules.js';

/** Engelmann WaterStar M water meter (hot or cold). */
export const engelmannWaterstar: MbusDeviceType = {
  id: 'mbus.engelmann-waterstar',
  label: { ru: 'Engelmann WaterStar M (счетчик воды)', en: 'Engelmann WaterStar M water meter' },
  kind: 'water-meter',
  quantities: [quantities.volume, quantities.flow],
  primaryQuantity: 'volume',
  detection: { mbus: { manufacturer: 'EFE', media: ['Warm water (30-90°C)', 'Cold water', 'Water', 'Hot water (>=90°C)'] } },
  records: [rules.volume, rules.flow],
  sample: 'EFE_Engelmann-WaterStar.hex',
};
