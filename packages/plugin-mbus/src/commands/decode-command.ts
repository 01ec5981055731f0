import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { decodeTelegram, parseHex, TelegramError } from '../decoder/telegram.js';

/**
 * `openamr mbus decode FILE.hex`: decodes an M-Bus telegram written as hex bytes and prints
 * `{slave, records}` as JSON (values scaled as libmbus's normalized XML gives them). A frame
 * that cannot be decoded exits 1 with what is wrong and at which byte.
 */
export const decodeCommand: CliCommand = {
  name: 'mbus decode',
  describe: 'Decode an M-Bus RSP_UD telegram (hex bytes) and print it as JSON',
  positionals: [{ name: 'FILE', required: true, describe: 'A file with the telegram as hex bytes, e.g. "68 1F 1F 68 08 …"' }],
  async run(args, ctx) {
    const path = resolve(ctx.cwd, args.positionals[0]!);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new InputError({ ru: `Не удалось прочитать ${path}: ${(err as Error).message}`, en: `Cannot read ${path}: ${(err as Error).message}` }, { file: path });
    }
    try {
      const t = decodeTelegram(parseHex(text));
      ctx.stdout.write(JSON.stringify({ slave: t.slave, records: t.records }, null, 2) + '\n');
      for (const u of t.undecoded) ctx.stderr.write(`${path}: record ${u.index}: ${u.reason}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof TelegramError)) throw err;
      ctx.stderr.write(`${path}: ${err.message}\n`);
      return 1;
    }
  },
};
