import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type CliCommand, type CommandContext, type StoredReading } from '@openamr/core/plugin-api';
import { decodeTelegram, parseHex, TelegramError } from '../decoder/telegram.js';

async function storedFrame(ctx: CommandContext, options: Record<string, string | boolean | undefined>): Promise<{ where: string; text: string; reading: StoredReading }> {
  if (!ctx.readings) throw new InputError({ ru: 'Показания недоступны этой команде', en: 'Stored readings are not available to this command' });
  const byId = typeof options.reading === 'string';
  const reading = byId
    ? await ctx.readings.find({ id: options.reading as string })
    : await ctx.readings.find({ meterSerial: options.meter as string, ...(typeof options.at === 'string' ? { at: options.at } : {}) });
  const what = byId ? `показание ${options.reading}` : `прибор ${options.meter}${typeof options.at === 'string' ? ` на ${options.at}` : ''}`;
  const whatEn = byId ? `reading ${options.reading}` : `meter ${options.meter}${typeof options.at === 'string' ? ` at ${options.at}` : ''}`;
  if (!reading) throw new InputError({ ru: `Нет сохраненного показания: ${what}`, en: `No stored reading: ${whatEn}` });
  if (!reading.raw) {
    throw new InputError({ ru: `Показание ${reading.id} (${reading.source}, ${reading.takenAt}) сохранено без телеграммы`, en: `Reading ${reading.id} (${reading.source}, ${reading.takenAt}) was stored without its telegram` });
  }
  return { where: `reading ${reading.id}`, text: reading.raw, reading };
}

/**
 * `openamr mbus decode FILE.hex | --reading ID | --meter SERIAL [--at ISO]`: decodes an M-Bus
 * telegram written as hex bytes, or the telegram a stored reading was decoded from, and
 * prints `{slave, records}` as JSON (values scaled as libmbus's normalized XML gives them;
 * with the reading's id, serial and time for a stored one). A frame that cannot be decoded
 * exits 1 with what is wrong and at which byte.
 */
export const decodeCommand: CliCommand = {
  name: 'mbus decode',
  describe: 'Decode an M-Bus RSP_UD telegram (a hex file, or a stored reading’s) and print it as JSON',
  positionals: [{ name: 'FILE', describe: 'A file with the telegram as hex bytes, e.g. "68 1F 1F 68 08 …"' }],
  options: {
    reading: { type: 'string', describe: 'Decode the telegram stored with this reading (its id)' },
    meter: { type: 'string', describe: 'Decode the telegram of this meter’s (serial) latest stored reading' },
    at: { type: 'string', describe: 'With --meter: the latest reading taken at or before this ISO time' },
  },
  async run(args, ctx) {
    const file = args.positionals[0];
    const sources = [file !== undefined, typeof args.options.reading === 'string', typeof args.options.meter === 'string'].filter(Boolean).length;
    if (sources !== 1 || (args.options.at !== undefined && typeof args.options.meter !== 'string')) {
      ctx.stderr.write('openamr mbus decode: give one of FILE, --reading ID or --meter SERIAL (--at only with --meter)\n');
      return 2;
    }
    let where: string;
    let text: string;
    let reading: StoredReading | undefined;
    if (file !== undefined) {
      where = resolve(ctx.cwd, file);
      try {
        text = await readFile(where, 'utf8');
      } catch (err) {
        throw new InputError({ ru: `Не удалось прочитать ${where}: ${(err as Error).message}`, en: `Cannot read ${where}: ${(err as Error).message}` }, { file: where });
      }
    } else {
      ({ where, text, reading } = await storedFrame(ctx, args.options));
    }
    try {
      const t = decodeTelegram(parseHex(text));
      const stored = reading ? { reading: { id: reading.id, meterSerial: reading.meterSerial, takenAt: reading.takenAt, source: reading.source } } : {};
      ctx.stdout.write(JSON.stringify({ ...stored, slave: t.slave, records: t.records }, null, 2) + '\n');
      for (const u of t.undecoded) ctx.stderr.write(`${where}: record ${u.index}: ${u.reason}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof TelegramError)) throw err;
      ctx.stderr.write(`${where}: ${err.message}\n`);
      return 1;
    }
  },
};
