import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { MeshGatewayDriver } from './mesh-gateway-driver.js';

/** INDIV-X-Gateway Mesh: readings pushed over MQTT. */
export default definePlugin({
  id: 'mesh',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addReaderDrivers(MeshGatewayDriver);
  },
});

export { MeshGatewayDriver, gatewayOfTopic, topicOf, type MeshSettings } from './mesh-gateway-driver.js';
export { Intake, mergeBatches, type Delivery, type IntakeOptions } from './intake.js';
export { DEFAULT_FIELDS, parseMessage, type FieldMap } from './payload.js';
