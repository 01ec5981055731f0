import type { ModbusDeviceType, RegisterRule } from '../register-map.js';
import { quantities } from './quantities.js';

const f = (key: string, address: number, scale?: string): RegisterRule => ({ key, table: 'input', address, type: 'float32', wordOrder: 'big', ...(scale ? { scale } : {}) });

/**
 * Eastron SDM630 three-phase electricity meter (also SDM630 MID V2): input registers
 * (function 04), IEEE 754 float32, high word first; powers in W, stored in kW.
 */
export const eastronSdm630: ModbusDeviceType = {
  id: 'modbus.eastron-sdm630',
  label: { ru: 'Eastron SDM630 (трехфазный счетчик электроэнергии)', en: 'Eastron SDM630 three-phase electricity meter' },
  kind: 'electricity-meter',
  quantities: [
    quantities.activeEnergy,
    quantities.exportEnergy,
    quantities.totalEnergy,
    quantities.reactiveImportEnergy,
    quantities.reactiveExportEnergy,
    quantities.voltage('L1'),
    quantities.voltage('L2'),
    quantities.voltage('L3'),
    quantities.current('L1'),
    quantities.current('L2'),
    quantities.current('L3'),
    quantities.power('L1'),
    quantities.power('L2'),
    quantities.power('L3'),
    quantities.totalPower,
  ],
  primaryQuantity: 'activeEnergy',
  registers: [
    f('voltageL1', 0x0000),
    f('voltageL2', 0x0002),
    f('voltageL3', 0x0004),
    f('currentL1', 0x0006),
    f('currentL2', 0x0008),
    f('currentL3', 0x000a),
    f('powerL1', 0x000c, '0.001'),
    f('powerL2', 0x000e, '0.001'),
    f('powerL3', 0x0010, '0.001'),
    f('power', 0x0034, '0.001'),
    f('activeEnergy', 0x0048),
    f('exportEnergy', 0x004a),
    f('reactiveImportEnergy', 0x004c),
    f('reactiveExportEnergy', 0x004e),
    f('totalEnergy', 0x0156),
  ],
};
