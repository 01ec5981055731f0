import type { QuantitySpec } from '@openamr/core/plugin-api';

const q = (key: string, quantity: string, unit: string, cumulative: boolean, ru: string, en: string): QuantitySpec => ({ key, quantity, unit, cumulative, label: { ru: ru.trim(), en: en.trim() } });

/** The quantities of electricity meters read over Modbus. `activeEnergy` is the core's electricity-meter key. */
export const quantities = {
  activeEnergy: q('activeEnergy', 'energy', 'kWh', true, 'Активная энергия (импорт)', 'Active energy (import)'),
  exportEnergy: q('exportEnergy', 'energy', 'kWh', true, 'Активная энергия (экспорт)', 'Active energy (export)'),
  totalEnergy: q('totalEnergy', 'energy', 'kWh', true, 'Активная энергия (сумма)', 'Active energy (total)'),
  reactiveImportEnergy: q('reactiveImportEnergy', 'reactive-energy', 'kvarh', true, 'Реактивная энергия (импорт)', 'Reactive energy (import)'),
  reactiveExportEnergy: q('reactiveExportEnergy', 'reactive-energy', 'kvarh', true, 'Реактивная энергия (экспорт)', 'Reactive energy (export)'),
  voltage: (n: string) => q(`voltage${n}`, 'voltage', 'V', false, `Напряжение ${n}`, `Voltage ${n}`),
  current: (n: string) => q(`current${n}`, 'current', 'A', false, `Ток ${n}`, `Current ${n}`),
  power: (n: string) => q(`power${n}`, 'power', 'kW', false, `Мощность ${n}`, `Power ${n}`),
  totalPower: q('power', 'power', 'kW', false, 'Мощность', 'Power'),
};
