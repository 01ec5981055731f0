import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };

/** INDIV-X-Gateway Mesh push driver over MQTT. */
export default definePlugin({
  id: 'mesh',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register() {},
});
