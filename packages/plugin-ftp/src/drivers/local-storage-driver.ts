import Joi from 'joi';
import { isAbsolute } from 'node:path';
import {
  OpenAmrError,
  readingsFromFile,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type PollReaderDriver,
  type ReadBatch,
  type ReaderSession,
  type UploadedFile,
} from '@openamr/core/plugin-api';
import { LocalFolder, type LocalFolderSettings } from '../files/local-folder.js';
import { pollFiles } from '../files/poll-files.js';
import { FileCursor } from '../files/file-cursor.js';
import { namePattern } from '../files/name-pattern.js';
import { READINGS_FILE_DEVICE_TYPES } from './device-types.js';
import { filePollSettingsKeys, type FilePollSettings } from './file-settings.js';

export interface LocalStorageSettings extends LocalFolderSettings, FilePollSettings {}

/**
 * Local Storage: a folder on the server's machine that a concentrator (e.g. SonoCollect)
 * writes readings files to. It has no host or port; `path` is an absolute folder.
 */
export class LocalStorageDriver implements PollReaderDriver<LocalStorageSettings> {
  readonly id = 'ftp.local-storage';
  readonly label = { ru: 'Локальное хранилище (папка)', en: 'Local Storage (folder)' };
  readonly mode = 'poll' as const;
  readonly deviceTypes = READINGS_FILE_DEVICE_TYPES;
  readonly settingsSchema = Joi.object<LocalStorageSettings>({
    path: Joi.string()
      .max(4096)
      .custom((v: string, h) => (isAbsolute(v) && !v.includes('\0') ? v : h.error('any.invalid')))
      .required()
      .messages({ 'any.invalid': '"path" must be an absolute folder path' }),
    recursive: Joi.boolean().default(false),
    ...filePollSettingsKeys,
  });

  async open(target: ConcentratorTarget<LocalStorageSettings>, ctx: DriverContext): Promise<ReaderSession> {
    const folder = new LocalFolder(target.settings, ctx.signal);
    await folder.open();
    return {
      read: () => pollFiles(folder, target.settings, target.cursor, ctx),
      close: async () => {},
    };
  }

  async check(target: ConcentratorTarget<LocalStorageSettings>, ctx: DriverContext): Promise<CheckResult> {
    const folder = new LocalFolder(target.settings, ctx.signal);
    try {
      await folder.open();
      const matches = namePattern(target.settings.pattern);
      const files = (await folder.list()).filter((f) => matches(f.name));
      const cursor = FileCursor.parse(target.cursor).cursor;
      const fresh = files.filter((f) => !cursor.has(f)).length;
      return { ok: true, message: `Папка ${target.settings.path} доступна: файлов показаний ${files.length}, из них новых ${fresh}` };
    } catch (err) {
      if (err instanceof OpenAmrError) return { ok: false, message: err.messageIn('ru') };
      throw err;
    }
  }

  async importFile(file: UploadedFile): Promise<ReadBatch[]> {
    return [await readingsFromFile(file)];
  }
}
