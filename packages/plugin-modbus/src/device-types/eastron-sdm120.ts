import type { ModbusDeviceType, RegisterRule } from '../register-map.js';
import { quantities } from './quantities.js';

const f = (key: string, address: number, scale?: string): RegisterRule => ({ key, table: 'input', address, type: 'float32', wordOrder: 'big', ...(scale ? { scale } : {}) });

/** Eastron SDM120 single-phase electricity meter (also SDM220/SDM230): input registers, float32, high word first. */
export const eastronSdm120: ModbusDeviceType = {
  id: 'modbus.eastron-sdm120',
  label: { ru: 'Eastron SDM120 (однофазный счетчик электроэнергии)', en: 'Eastron SDM120 single-phase electricity meter' },
  kind: 'electricity-meter',
  quantities: [
    quantities.activeEnergy,
    quantities.exportEnergy,
    quantities.totalEnergy,
    quantities.reactiveImportEnergy,
    quantities.reactiveExportEnergy,
    quantities.voltage(''),
    quantities.current(''),
    quantities.totalPower,
  ],
  primaryQuantity: 'activeEnergy',
  registers: [
    f('voltage', 0x0000),
    f('current', 0x0006),
    f('power', 0x000c, '0.001'),
    f('activeEnergy', 0x0048),
    f('exportEnergy', 0x004a),
    f('reactiveImportEnergy', 0x004c),
    f('reactiveExportEnergy', 0x004e),
    f('totalEnergy', 0x0156),
  ],
};
