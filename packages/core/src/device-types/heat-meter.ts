import type { DeviceType } from '../plugin-api/device-type.js';

/** An apartment heat meter read by hand or from files. */
export const heatMeter: DeviceType = {
  id: 'core.heat-meter',
  label: { ru: 'Квартирный теплосчетчик', en: 'Apartment heat meter' },
  kind: 'heat-meter',
  quantities: [
    { key: 'energy', quantity: 'energy', unit: 'Gcal', cumulative: true, label: { ru: 'Энергия', en: 'Energy' } },
    { key: 'volume', quantity: 'volume', unit: 'm3', cumulative: true, label: { ru: 'Объем', en: 'Volume' } },
    { key: 'flowTemperature', quantity: 'temperature', unit: '°C', cumulative: false, label: { ru: 'Температура подачи', en: 'Flow temperature' } },
    { key: 'returnTemperature', quantity: 'temperature', unit: '°C', cumulative: false, label: { ru: 'Температура обратки', en: 'Return temperature' } },
    { key: 'power', quantity: 'power', unit: 'kW', cumulative: false, label: { ru: 'Мощность', en: 'Power' } },
    { key: 'flow', quantity: 'flow', unit: 'm3/h', cumulative: false, label: { ru: 'Расход', en: 'Flow' } },
  ],
  primaryQuantity: 'energy',
  errorCodes: {
    E1: { ru: 'Ошибка датчика температуры', en: 'Temperature sensor error' },
    E2: { ru: 'Ошибка расходомера', en: 'Flow sensor error' },
  },
};
