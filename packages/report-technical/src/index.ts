import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { TechnicalReport } from './technical-report.js';

/** The technical data-completeness report for engineers (F23). */
export default definePlugin({
  id: 'technical',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addReportGenerators(TechnicalReport);
  },
});

export { TechnicalReport, type TechnicalExplanation, type TechnicalMeterLine, type ConcentratorSummary } from './technical-report.js';
