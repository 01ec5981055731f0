import type { MbusDeviceType } from './mbus-device-type.js';
import { HEAT_QUANTITIES, HEAT_RULES } from './rules.js';

/** Engelmann SensoStar apartment heat meter. */
export const engelmannSensostar: MbusDeviceType = {
  id: 'mbus.engelmann-sensostar',
  label: { ru: 'Engelmann SensoStar (квартирный теплосчетчик)', en: 'Engelmann SensoStar apartment heat meter' },
  kind: 'heat-meter',
  quantities: HEAT_QUANTITIES,
  primaryQuantity: 'energy',
  detection: { mbus: { manufacturer: 'EFE', media: ['Heat: Outlet', 'Heat: Inlet'] } },
  records: HEAT_RULES,
  sample: 'EFE_Engelmann-Elster-SensoStar-2.hex',
};
