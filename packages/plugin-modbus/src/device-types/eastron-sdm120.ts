import type { ModbusDeviceType, RegisterRule } from '../register-map.js';
import { quantities } from './quantities.js';

const f = (key: string, address: number, scale?: string): RegisterRule => ({ key, table: 'input', address, type: 'float32', ...(scale ? { scale } : {}) });

/** Eastron SDM120 single-phase electricity meter: input registers, float32, high word first. */
export const eastronSdm120: ModbusDeviceType = {
  id: 'modbus.eastron-sdm120',
  label: { ru: 'Eastron SDM120 (однофазный счетчик электроэнергии)', en: 'Eastron SDM120 single-phase electricity meter' },
  kind: 'electricity-meter',
  quantities: [quantities.activeEnergy, quantities.exportEnergy, quantities.totalEnergy, quantities.voltage(''), quantities.current(''), quantities.totalPower, quantities.frequency],
  primaryQuantity: 'activeEnergy',
  registers: [
    f('voltage', 0x0000),
    f('current', 0x0006),
    f('power', 0x000c, '0.001'),
    f('frequency', 0x0046),
    f('activeEnergy', 0x0048),
    f('exportEnergy', 0x004a),
    f('totalEnergy', 0x0156),
  ],
};
