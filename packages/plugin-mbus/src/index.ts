import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };

/** Wired M-Bus reader drivers and an EN 13757-3 telegram decoder. */
export default definePlugin({
  id: 'mbus',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register() {},
});
