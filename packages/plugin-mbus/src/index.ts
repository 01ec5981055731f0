import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { decodeCommand } from './commands/decode-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { scanCommand } from './commands/scan-command.js';
import { MbusTcpGatewayDriver } from './drivers/tcp-gateway-driver.js';

/**
 * Wired M-Bus: an EN 13757-3 telegram decoder (checked against libmbus on real frames) and
 * the `openamr mbus decode` command.
 */
export default definePlugin({
  id: 'mbus',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addCommands(decodeCommand, simulateCommand, scanCommand);
    plugin.addReaderDrivers(MbusTcpGatewayDriver);
  },
});

export { decodeTelegram, parseHex, TelegramError, type DecodedTelegram, type DecodedRecord, type SlaveInfo } from './decoder/telegram.js';
export { vifInfo } from './decoder/vif-table.js';
export { MbusTcpGatewayDriver } from './drivers/tcp-gateway-driver.js';
export { startMbusSimulator, secondaryOf, type MbusSimulator, type SimulatedSlave } from './wire/simulator.js';
export { scanPrimary, scanSecondary, type FoundMeter } from './wire/scan.js';
export { MbusTcpClient } from './wire/tcp-client.js';
