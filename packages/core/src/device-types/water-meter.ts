import type { DeviceType } from '../plugin-api/device-type.js';

/** A hot or cold water meter read by hand or from files (hot/cold is set per meter). */
export const waterMeter: DeviceType = {
  id: 'core.water-meter',
  label: { ru: 'Счетчик воды', en: 'Water meter' },
  kind: 'water-meter',
  quantities: [{ key: 'volume', quantity: 'volume', unit: 'm3', cumulative: true, label: { ru: 'Объем', en: 'Volume' } }],
  primaryQuantity: 'volume',
  errorCodes: {
    E1: { ru: 'Утечка', en: 'Leak' },
    E2: { ru: 'Обратный поток', en: 'Back flow' },
    E3: { ru: 'Воздействие магнитом', en: 'Magnetic tampering' },
  },
};
