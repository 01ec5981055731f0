import { definePlugin } from '@openamr/core/plugin-api';
import { exampleWaterMeter } from './device-types/water-meter.js';
import { FixtureFileDriver } from './drivers/fixture-file-driver.js';
import { MeterListReport } from './reports/meter-list-report.js';
import { readFileCommand } from './commands/read-file-command.js';
import pkg from '../package.json' with { type: 'json' };

/**
 * The template a vendor copies (P3): one device type, one reader driver, one report,
 * one web part and one CLI command. `register` only declares; the core does the rest.
 */
export default definePlugin({
  id: 'example',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  webAssets: new URL('../web/', import.meta.url),
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
