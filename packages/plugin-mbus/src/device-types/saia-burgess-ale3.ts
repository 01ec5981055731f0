import type { MbusDeviceType } from './mbus-device-type.js';
import { quantities } from './rules.js';

const kWh = { Wh: ['kWh', '0.001'] } as const;

/** Saia-Burgess ALE3 electricity meter: two tariffs, the total is their sum. */
export const saiaBurgessAle3: MbusDeviceType = {
  id: 'mbus.saia-burgess-ale3',
  label: { ru: 'Saia-Burgess ALE3 (счетчик электроэнергии)', en: 'Saia-Burgess ALE3 electricity meter' },
  kind: 'electricity-meter',
  quantities: [
    quantities.activeEnergy,
    { ...quantities.activeEnergy, key: 'tariff1', label: { ru: 'Тариф 1', en: 'Tariff 1' } },
    { ...quantities.activeEnergy, key: 'tariff2', label: { ru: 'Тариф 2', en: 'Tariff 2' } },
    { key: 'voltage', quantity: 'voltage', unit: 'V', cumulative: false, label: { ru: 'Напряжение L1', en: 'Voltage L1' } },
    { key: 'current', quantity: 'current', unit: 'A', cumulative: false, label: { ru: 'Ток L1', en: 'Current L1' } },
    { ...quantities.power, label: { ru: 'Мощность L1', en: 'Power L1' } },
  ],
  primaryQuantity: 'activeEnergy',
  detection: { mbus: { manufacturer: 'SBC', media: ['Electricity'] } },
  records: [
    { key: 'activeEnergy', quantity: 'Energy', tariff: 'sum', units: kWh },
    { key: 'tariff1', quantity: 'Energy', tariff: 1, units: kWh },
    { key: 'tariff2', quantity: 'Energy', tariff: 2, units: kWh },
    { key: 'voltage', quantity: 'Voltage', units: { V: ['V', '1'] } },
    { key: 'current', quantity: 'Current', units: { A: ['A', '1'] } },
    { key: 'power', quantity: 'Power', units: { W: ['kW', '0.001'] } },
  ],
  sample: 'SBC_Saia-Burgess-ALE3.hex',
};
