import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { HeatMeterReport } from './heat-meter-report.js';

/** Apartment heat meters (F22): the `heat-meters.consumption` report. */
export default definePlugin({
  id: 'heat-meters',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addReportGenerators(HeatMeterReport);
  },
});

export { HeatMeterReport, type HeatMeterExplanation, type HeatMeterLine } from './heat-meter-report.js';
