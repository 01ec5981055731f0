import type { ModbusDeviceType, RegisterRule } from '../register-map.js';
import { quantities } from './quantities.js';

/** A signed 32-bit integer, low word first, read with function 03. */
const i = (key: string, address: number, scale: string): RegisterRule => ({ key, table: 'holding', address, type: 'int32', wordOrder: 'little', scale });

/**
 * Carlo Gavazzi EM340 three-phase electricity meter (the EM24-DIN and ET340 share the map):
 * holding registers, INT32 with the low word first, fixed-point (V×10, A×1000, W×10, kWh×10).
 */
export const carloGavazziEm340: ModbusDeviceType = {
  id: 'modbus.carlo-gavazzi-em340',
  label: { ru: 'Carlo Gavazzi EM340 (трехфазный счетчик электроэнергии)', en: 'Carlo Gavazzi EM340 three-phase electricity meter' },
  kind: 'electricity-meter',
  quantities: [
    quantities.activeEnergy,
    quantities.exportEnergy,
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
    i('voltageL1', 0x0000, '0.1'),
    i('voltageL2', 0x0002, '0.1'),
    i('voltageL3', 0x0004, '0.1'),
    i('currentL1', 0x000c, '0.001'),
    i('currentL2', 0x000e, '0.001'),
    i('currentL3', 0x0010, '0.001'),
    i('powerL1', 0x0012, '0.0001'),
    i('powerL2', 0x0014, '0.0001'),
    i('powerL3', 0x0016, '0.0001'),
    i('power', 0x0028, '0.0001'),
    i('activeEnergy', 0x0034, '0.1'),
    i('exportEnergy', 0x004e, '0.1'),
  ],
};
