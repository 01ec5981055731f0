import type { DeviceType } from '@openamr/core/plugin-api';

/** A device type is data: quantities, units and error texts, one literal per file. */
export const exampleWaterMeter: DeviceType = {
  id: 'example.water-meter',
  label: { ru: 'Пример: счетчик воды', en: 'Example: water meter' },
  kind: 'water-meter',
  quantities: [{ key: 'volume', quantity: 'volume', unit: 'm3', cumulative: true, label: { ru: 'Объем', en: 'Volume' } }],
  primaryQuantity: 'volume',
  errorCodes: {
    E1: { ru: 'Утечка', en: 'Leak' },
    E2: { ru: 'Вмешательство', en: 'Tampering' },
  },
};
