import { Decimal } from 'decimal.js';
import type { QuantitySpec } from '@openamr/core/plugin-api';
import type { RecordRule } from './mbus-device-type.js';

/** Record rules shared by the device types: the usual records of each kind of meter. */
// "Reserved" is libmbus's unit of energy in GJ (VIF FB 08/09: 0.1 GJ, 1 GJ), its value in J.
export const ENERGY_UNITS = { Wh: ['kWh', '0.001'], J: ['GJ', '0.000000001'], Reserved: ['GJ', '0.000000001'] } as const;
export const rules = {
  energy: { key: 'energy', quantity: 'Energy', units: ENERGY_UNITS },
  volume: { key: 'volume', quantity: 'Volume', units: { 'm^3': ['m3', '1'] } },
  flowTemperature: { key: 'flowTemperature', quantity: 'Flow temperature', units: { '°C': ['°C', '1'] } },
  returnTemperature: { key: 'returnTemperature', quantity: 'Return temperature', units: { '°C': ['°C', '1'] } },
  power: { key: 'power', quantity: 'Power', units: { W: ['kW', '0.001'], 'J/h': ['kW', '0.0000002777777777777777777777777778'] } },
  flow: { key: 'flow', quantity: 'Volume flow', units: { 'm^3/h': ['m3/h', '1'] } },
  heatUnits: { key: 'heatUnits', quantity: 'H.C.A.', units: { 'Units for H.C.A.': ['units', '1'] } },
  setDayUnits: { key: 'setDayUnits', quantity: 'H.C.A.', storage: 1, units: { 'Units for H.C.A.': ['units', '1'] } },
  activeEnergy: { key: 'activeEnergy', quantity: 'Energy', units: { Wh: ['kWh', '0.001'] } },
  activeEnergyByTariffs: { key: 'activeEnergy', quantity: 'Energy', tariff: 'sum', units: { Wh: ['kWh', '0.001'] } },
} satisfies Record<string, RecordRule>;

/** A fixed-structure telegram (CI 73) names no quantity: its two counters are told by their units (libmbus's texts). */
const decade = (unit: string, to: string, factor: string): Record<string, readonly [string, string]> => ({
  [unit]: [to, factor], [`10 ${unit}`]: [to, new Decimal(factor).mul(10).toString()], [`100 ${unit}`]: [to, new Decimal(factor).mul(100).toString()],
});
export const fixedRules = {
  energy: { key: 'energy', quantity: null, function: 'Actual value', units: { ...decade('Wh', 'kWh', '0.001'), ...decade('kWh', 'kWh', '1'), ...decade('MWh', 'kWh', '1000'), ...decade('GJ', 'GJ', '1'), MJ: ['GJ', '0.001'], '10 MJ': ['GJ', '0.01'], '100 MJ': ['GJ', '0.1'] } },
  volume: { key: 'volume', quantity: null, function: 'Actual value', units: { ...decade('ml', 'm3', '0.000001'), ...decade('l', 'm3', '0.001'), ...decade('m^3', 'm3', '1') } },
} satisfies Record<string, RecordRule>;

/** The heat meter records: energy, volume, temperatures, power, flow. */
export const HEAT_RULES: RecordRule[] = [rules.energy, rules.volume, rules.flowTemperature, rules.returnTemperature, rules.power, rules.flow];

const q = (key: string, quantity: string, unit: string, cumulative: boolean, ru: string, en: string): QuantitySpec => ({ key, quantity, unit, cumulative, label: { ru, en } });
export const quantities = {
  energy: q('energy', 'energy', 'kWh', true, 'Энергия', 'Energy'),
  volume: q('volume', 'volume', 'm3', true, 'Объем', 'Volume'),
  flowTemperature: q('flowTemperature', 'temperature', '°C', false, 'Температура подачи', 'Flow temperature'),
  returnTemperature: q('returnTemperature', 'temperature', '°C', false, 'Температура обратки', 'Return temperature'),
  power: q('power', 'power', 'kW', false, 'Мощность', 'Power'),
  flow: q('flow', 'flow', 'm3/h', false, 'Расход', 'Flow'),
  heatUnits: q('heatUnits', 'hca-units', 'units', true, 'Показание, ед.', 'Reading, units'),
  setDayUnits: q('setDayUnits', 'hca-units', 'units', true, 'Показание на расчетный день, ед.', 'Reading at the set day, units'),
  activeEnergy: q('activeEnergy', 'energy', 'kWh', true, 'Активная энергия', 'Active energy'),
};
export const HEAT_QUANTITIES: QuantitySpec[] = [quantities.energy, quantities.volume, quantities.flowTemperature, quantities.returnTemperature, quantities.power, quantities.flow];

/**
 * The rules for the core device types (a meter registered as `core.heat-meter` and read over
 * M-Bus), and the media a telegram must name to be read as one when no model matches.
 */
export const CORE_RULES: Record<string, { media: (medium: string) => boolean; records: RecordRule[] }> = {
  'core.heat-meter': { media: (m) => m.startsWith('Heat:') || m === 'Heat / Cooling load meter' || m === 'Heat', records: [...HEAT_RULES, fixedRules.energy, fixedRules.volume] },
  'core.water-meter': { media: (m) => /water/i.test(m), records: [rules.volume, fixedRules.volume] },
  'core.heat-cost-allocator': { media: (m) => m === 'Heat Cost Allocator', records: [rules.heatUnits, rules.setDayUnits] },
  'core.electricity-meter': { media: (m) => m === 'Electricity', records: [rules.activeEnergy, rules.activeEnergyByTariffs] },
};
