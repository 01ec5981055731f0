import Joi from 'joi';
import { readFile, access } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import {
  ConnectionError,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type PollReaderDriver,
  type ReadBatch,
  type ReaderSession,
  type UploadedFile,
} from '@openamr/core/plugin-api';
import { exampleWaterMeter } from '../device-types/water-meter.js';
import { parseFixtureFile } from './parse-fixture-file.js';

export interface FixtureFileSettings {
  /** Absolute path of the readings file the "concentrator" exposes. */
  path: string;
}

/**
 * A poll driver that reads a local file, the smallest driver that shows the whole contract:
 * a settings schema, a session whose `read()` yields batches, `check()` and `importFile()`.
 * A real driver talks to a device here; a missing file plays the dead concentrator.
 */
export class FixtureFileDriver implements PollReaderDriver<FixtureFileSettings> {
  readonly id = 'example.fixture-file';
  readonly mode = 'poll' as const;
  readonly label = { ru: 'Пример: файл показаний', en: 'Example: readings file' };
  readonly deviceTypes = [exampleWaterMeter.id];
  readonly settingsSchema = Joi.object<FixtureFileSettings>({
    path: Joi.string()
      .custom((v: string, h) => (isAbsolute(v) ? v : h.error('any.invalid')))
      .required()
      .messages({ 'any.invalid': '"path" must be an absolute path' }),
  });

  async open(target: ConcentratorTarget<FixtureFileSettings>, ctx: DriverContext): Promise<ReaderSession> {
    const { path } = target.settings;
    return {
      async *read(): AsyncIterable<ReadBatch> {
        let text: string;
        try {
          text = await readFile(path, { encoding: 'utf8', signal: ctx.signal });
        } catch (err) {
          throw new ConnectionError(
            { ru: `Файл ${path} недоступен: ${(err as Error).message}`, en: `File ${path} is not readable: ${(err as Error).message}` },
            { file: path },
          );
        }
        yield parseFixtureFile(basename(path), text, exampleWaterMeter.id);
      },
      async close() {
        // Nothing to release: a real driver closes its socket here.
      },
    };
  }

  async check(target: ConcentratorTarget<FixtureFileSettings>): Promise<CheckResult> {
    try {
      await access(target.settings.path);
      return { ok: true, message: `Файл ${target.settings.path} доступен` };
    } catch (err) {
      return { ok: false, message: `Файл ${target.settings.path} недоступен: ${(err as Error).message}` };
    }
  }

  async importFile(file: UploadedFile): Promise<ReadBatch[]> {
    return [parseFixtureFile(file.name, file.content.toString('utf8'), exampleWaterMeter.id)];
  }
}
