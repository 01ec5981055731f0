import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { WaterReport } from './water-report.js';

/** Water consumption by premise (F21): the `water.consumption` report. */
export default definePlugin({
  id: 'water',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addReportGenerators(WaterReport);
  },
});

export { WaterReport, type WaterExplanation, type WaterMeterLine } from './water-report.js';
