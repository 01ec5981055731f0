import Joi from 'joi';
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
import { FtpFolder, type FtpConnectionSettings } from '../files/ftp-folder.js';
import { pollFiles } from '../files/poll-files.js';
import { FileCursor } from '../files/file-cursor.js';
import { namePattern } from '../files/name-pattern.js';
import { READINGS_FILE_DEVICE_TYPES } from './device-types.js';
import { filePollSettingsKeys, type FilePollSettings } from './file-settings.js';

export interface FtpSettings extends FtpConnectionSettings, FilePollSettings {}

export const ftpSettingsSchema = Joi.object<FtpSettings>({
  user: Joi.string().max(200).required(),
  password: Joi.string().allow('').max(200).default(''),
  directory: Joi.string().max(1000).default('/'),
  secure: Joi.boolean().default(false),
  verifyCertificate: Joi.boolean().default(true),
  timeoutMs: Joi.number().integer().min(1000).max(600_000).default(30_000),
  ...filePollSettingsKeys,
});

/**
 * A concentrator that writes OpenAMR readings files (CSV or .xlsx) to its FTP folder. The host
 * and port (default 21) are the concentrator's; each poll reads the files that are new or
 * changed since the cursor, one batch per file. INDIV-X-Total and SonoCollect differ only in
 * name: both write the same format.
 */
export abstract class FtpConcentratorDriver implements PollReaderDriver<FtpSettings> {
  abstract readonly id: string;
  abstract readonly label: { ru: string; en: string };
  readonly mode = 'poll' as const;
  readonly deviceTypes = READINGS_FILE_DEVICE_TYPES;
  readonly secretSettings = ['password'] as const;
  readonly settingsSchema = ftpSettingsSchema;

  async open(target: ConcentratorTarget<FtpSettings>, ctx: DriverContext): Promise<ReaderSession> {
    const folder = new FtpFolder(target, ctx.signal);
    await folder.connect();
    return {
      read: () => pollFiles(folder, target.settings, target.cursor, ctx),
      close: async () => folder.close(),
    };
  }

  async check(target: ConcentratorTarget<FtpSettings>, ctx: DriverContext): Promise<CheckResult> {
    const folder = new FtpFolder(target, ctx.signal);
    try {
      await folder.connect();
      const matches = namePattern(target.settings.pattern);
      const files = (await folder.list()).filter((f) => matches(f.name));
      const cursor = FileCursor.parse(target.cursor).cursor;
      const fresh = files.filter((f) => !cursor.has(f)).length;
      return {
        ok: true,
        message: `FTP-сервер ${target.host}:${target.port ?? 21} доступен, папка ${target.settings.directory}: файлов показаний ${files.length}, из них новых ${fresh}`,
      };
    } catch (err) {
      if (err instanceof OpenAmrError) return { ok: false, message: err.messageIn('ru') };
      throw err;
    } finally {
      folder.close();
    }
  }

  async importFile(file: UploadedFile): Promise<ReadBatch[]> {
    return [await readingsFromFile(file)];
  }
}
