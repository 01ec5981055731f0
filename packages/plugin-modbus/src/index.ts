import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };

/** Modbus TCP/RTU reader drivers (Eastron SDM630/SDM120 and register maps as data). */
export default definePlugin({
  id: 'modbus',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register() {},
});
