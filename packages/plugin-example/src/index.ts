import { definePlugin } from '@openamr/core/plugin-api';
import { exampleWaterMeter } from './device-types/water-meter.js';
import { FixtureFileDriver } from './drivers/fixture-file-driver.js';
import { MeterListReport } from './reports/meter-list-report.js';
import { readFileCommand } from './commands/read-file-command.js';
import pkg from '../package.json' with { type: 'json' };

// This file runs from src/ in tests and from dist/src/ once built (npm start); web/ sits at the package root.
const packageRoot = new URL(import.meta.url.includes('/dist/src/') ? '../../' : '../', import.meta.url);

/**
 * The template a vendor copies (P3): one device type, one reader driver, one report,
 * one web part and one CLI command. `register` only declares; the core does the rest.
 */
export default definePlugin({
  id: 'example',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  webAssets: new URL('web/', packageRoot),
  register(plugin) {
    plugin.addDeviceTypes(exampleWaterMeter);
    plugin.addReaderDrivers(FixtureFileDriver);
    plugin.addReportGenerators(MeterListReport);
    plugin.addWebParts({ tagName: 'amr-example-settings', module: 'amr-example-settings.js', slot: 'driver-settings', for: 'example.fixture-file' });
    plugin.addCommands(readFileCommand);
  },
});

export { exampleWaterMeter, FixtureFileDriver, MeterListReport, readFileCommand };
export { parseFixtureFile } from './drivers/parse-fixture-file.js';
