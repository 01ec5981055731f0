import { definePlugin } from '@openamr/core/plugin-api';
import { IndivXTotalDriver } from './drivers/indiv-x-total-driver.js';
import { SonoCollectDriver } from './drivers/sonocollect-driver.js';
import { LocalStorageDriver } from './drivers/local-storage-driver.js';
import pkg from '../package.json' with { type: 'json' };

/**
 * Concentrators that leave readings files in a folder: INDIV-X-Total and SonoCollect over FTP,
 * and a Local Storage folder on this machine. `register` only declares.
 */
export default definePlugin({
  id: 'ftp',
  pkg: { name: pkg.name, version: pkg.version },
  requires: { core: '^0.1.0' },
  register(plugin) {
    plugin.addReaderDrivers(IndivXTotalDriver, SonoCollectDriver, LocalStorageDriver);
  },
});

export { IndivXTotalDriver, SonoCollectDriver, LocalStorageDriver };
export { FtpConcentratorDriver, ftpSettingsSchema, type FtpSettings } from './drivers/ftp-concentrator-driver.js';
export type { LocalStorageSettings } from './drivers/local-storage-driver.js';
export { FileCursor, type FileEntry } from './files/file-cursor.js';
export { namePattern } from './files/name-pattern.js';
