import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { decodeCommand } from './commands/decode-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { scanCommand } from './commands/scan-command.js';
import { MBUS_DEVICE_TYPES, registryDeviceType } from './device-types/index.js';
import { MbusSerialDriver, MbusTcpGatewayDriver } from './drivers/mbus-drivers.js';

/**
 * Wired M-Bus: an EN 13757-3 telegram decoder (checked against libmbus on real frames), the
 * TCP-gateway and serial drivers, meter models detected from the telegram header, and the
 * `openamr mbus decode|scan` and `openamr simulate mbus` commands.
 */
export default definePlugin({
  id: 'mbus',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addCommands(decodeCommand, simulateCommand, scanCommand);
    plugin.addDeviceTypes(...MBUS_DEVICE_TYPES.filter((t) => !t.pulseAdapter).map(registryDeviceType));
    plugin.addReaderDrivers(MbusTcpGatewayDriver, MbusSerialDriver);
  },
});

export { decodeTelegram, parseHex, TelegramError, type DecodedTelegram, type DecodedRecord, type SlaveInfo } from './decoder/telegram.js';
export { vifInfo } from './decoder/vif-table.js';
export { MbusSerialDriver, MbusTcpGatewayDriver, type MbusMeterSetting, type MbusSerialSettings, type MbusSettings } from './drivers/mbus-drivers.js';
export { telegramReading, rulesFor, type MeterReadOptions, type PulseSetting } from './drivers/readings.js';
export { MBUS_DEVICE_TYPES, detectDeviceType, valuesOf, type MbusDeviceType, type RecordRule } from './device-types/index.js';
export { startMbusSimulator, startMbusSerialSimulator, secondaryOf, type MbusSimulator, type SimulatedSlave } from './wire/simulator.js';
export { scanPrimary, scanSecondary, type FoundMeter } from './wire/scan.js';
export { MbusLink, MbusTcpClient, MbusSerialClient, NoAnswer, type SerialLine } from './wire/link.js';
