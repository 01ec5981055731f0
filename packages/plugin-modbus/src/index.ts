import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { simulateCommand } from './commands/simulate-command.js';
import { MODBUS_DEVICE_TYPES } from './device-types/index.js';
import { ModbusRtuDriver, ModbusTcpDriver } from './drivers/modbus-drivers.js';
import { registryDeviceType } from './register-map.js';

/**
 * Modbus TCP/RTU reader drivers; meters' register maps are device types (data); the
 * `openamr simulate modbus` gateway simulator.
 */
export default definePlugin({
  id: 'modbus',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addCommands(simulateCommand);
    plugin.addDeviceTypes(...MODBUS_DEVICE_TYPES.map(registryDeviceType));
    plugin.addReaderDrivers(ModbusTcpDriver, ModbusRtuDriver);
  },
});

export { ModbusRtuDriver, ModbusTcpDriver, type ModbusMeterSetting, type ModbusRtuSettings, type ModbusSettings } from './drivers/modbus-drivers.js';
export { MODBUS_DEVICE_TYPES, carloGavazziEm340, eastronSdm120, eastronSdm630, modbusDeviceType } from './device-types/index.js';
export { decodeRule, encodeRule, planReads, shortestFloat32, type ModbusDeviceType, type ReadBlock, type RegisterRule, type RegisterTable, type RegisterType } from './register-map.js';
export { freePort, startModbusSerialSimulator, startModbusTcpSimulator, type ModbusSimulator, type SimulatedUnit } from './simulator.js';
export { simulateCommand } from './commands/simulate-command.js';
