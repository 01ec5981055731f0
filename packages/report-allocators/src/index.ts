import { definePlugin } from '@openamr/core/plugin-api';
import pkg from '../package.json' with { type: 'json' };
import { allocateCommand } from './commands/allocate-command.js';
import { HeatCostReport } from './report/heat-cost-report.js';

/**
 * Heat cost allocation (F20): the exact engine (`allocate`), the `openamr allocate` command
 * and the `allocators.heat-cost` report with its Excel workbook.
 */
export default definePlugin({
  id: 'allocators',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addCommands(allocateCommand);
    plugin.addReportGenerators(HeatCostReport);
  },
});

export * from './engine/index.js';
export { HeatCostReport } from './report/heat-cost-report.js';
export { buildAllocationInput } from './report/build-allocation-input.js';
export { parseExactJson } from './commands/allocate-command.js';
