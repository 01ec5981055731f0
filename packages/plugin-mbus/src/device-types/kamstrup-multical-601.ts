import type { MbusDeviceType } from './mbus-device-type.js';
import { HEAT_QUANTITIES, HEAT_RULES, quantities } from './rules.js';

/** Kamstrup MULTICAL 601 heat meter; its pulse inputs A and B (subunits 1, 2) count connected water meters. */
export const kamstrupMultical601: MbusDeviceType = {
  id: 'mbus.kamstrup-multical-601',
  label: { ru: 'Kamstrup MULTICAL 601 (теплосчетчик)', en: 'Kamstrup MULTICAL 601 heat meter' },
  kind: 'heat-meter',
  quantities: [
    ...HEAT_QUANTITIES,
    { ...quantities.volume, key: 'inputA', label: { ru: 'Импульсный вход A', en: 'Pulse input A' } },
    { ...quantities.volume, key: 'inputB', label: { ru: 'Импульсный вход B', en: 'Pulse input B' } },
  ],
  primaryQuantity: 'energy',
  detection: { mbus: { manufacturer: 'KAM', versions: [8], media: ['Heat: Outlet', 'Heat: Inlet'] } },
  records: [
    ...HEAT_RULES,
    { key: 'inputA', quantity: 'Volume', subunit: 1, tariff: 0, units: { 'm^3': ['m3', '1'] } },
    { key: 'inputB', quantity: 'Volume', subunit: 2, tariff: 0, units: { 'm^3': ['m3', '1'] } },
  ],
  sample: 'kamstrup_multical_601.hex',
};
