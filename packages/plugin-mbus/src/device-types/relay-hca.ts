import type { MbusDeviceType } from './mbus-device-type.js';
import { quantities, rules } from './rules.js';

/** Relay heat cost allocator (M-Bus): the current units and the units at the set day (storage 1). */
export const relayHca: MbusDeviceType = {
  id: 'mbus.relay-hca',
  label: { ru: 'Relay, распределитель тепла M-Bus', en: 'Relay M-Bus heat cost allocator' },
  kind: 'heat-cost-allocator',
  quantities: [quantities.heatUnits, quantities.setDayUnits],
  primaryQuantity: 'heatUnits',
  detection: { mbus: { manufacturer: 'REL', media: ['Heat Cost Allocator'] } },
  records: [rules.heatUnits, rules.setDayUnits],
  sample: 'rel_padpuls3.hex',
};
