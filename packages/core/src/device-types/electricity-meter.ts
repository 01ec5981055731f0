import type { DeviceType } from '../plugin-api/device-type.js';

/** An electricity meter read by hand or from files. */
export const electricityMeter: DeviceType = {
  id: 'core.electricity-meter',
  label: { ru: 'Счетчик электроэнергии', en: 'Electricity meter' },
  kind: 'electricity-meter',
  quantities: [{ key: 'activeEnergy', quantity: 'energy', unit: 'kWh', cumulative: true, label: { ru: 'Активная энергия', en: 'Active energy' } }],
  primaryQuantity: 'activeEnergy',
};
