import type { MbusDeviceType } from './mbus-device-type.js';
import { HEAT_QUANTITIES, HEAT_RULES } from './rules.js';

/** Sensus PolluTherm heat meter. */
export const sensusPollutherm: MbusDeviceType = {
  id: 'mbus.sensus-pollutherm',
  label: { ru: 'Sensus PolluTherm (теплосчетчик)', en: 'Sensus PolluTherm heat meter' },
  kind: 'heat-meter',
  quantities: HEAT_QUANTITIES,
  primaryQuantity: 'energy',
  detection: { mbus: { manufacturer: 'SEN', versions: [11, 14], media: ['Heat: Outlet', 'Heat: Inlet'] } },
  records: HEAT_RULES,
  sample: 'SEN_Sensus-PolluTherm.hex',
};
