import type { DeviceType } from '../plugin-api/device-type.js';

/** A heat cost allocator read by hand or from files: counts units, not energy. */
export const heatCostAllocator: DeviceType = {
  id: 'core.heat-cost-allocator',
  label: { ru: 'Распределитель тепла', en: 'Heat cost allocator' },
  kind: 'heat-cost-allocator',
  quantities: [{ key: 'heatUnits', quantity: 'hca-units', unit: 'units', cumulative: true, label: { ru: 'Показание, ед.', en: 'Reading, units' } }],
  primaryQuantity: 'heatUnits',
  errorCodes: {
    E1: { ru: 'Неисправность датчика температуры', en: 'Temperature sensor fault' },
    E2: { ru: 'Вскрытие прибора', en: 'Device opened (tampering)' },
    E3: { ru: 'Разряд батареи', en: 'Battery low' },
  },
};
