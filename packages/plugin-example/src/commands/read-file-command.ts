import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { parseFixtureFile } from '../drivers/parse-fixture-file.js';
import { exampleWaterMeter } from '../device-types/water-meter.js';

/** `openamr example read FILE`: parses a file with the example driver's parser and prints the batch. */
export const readFileCommand: CliCommand = {
  name: 'example read',
  describe: 'Parse a readings file of the example format and print the batch as JSON',
  positionals: [{ name: 'FILE', required: true, describe: 'A file with the header serial;date;value' }],
  options: { strict: { type: 'boolean', describe: 'Exit 1 when any line is a problem' } },
  async run(args, ctx) {
    const path = resolve(ctx.cwd, args.positionals[0]!);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new InputError({ ru: `Не удалось прочитать ${path}: ${(err as Error).message}`, en: `Cannot read ${path}: ${(err as Error).message}` }, { file: path });
    }
    const batch = parseFixtureFile(basename(path), text, exampleWaterMeter.id);
    ctx.stdout.write(JSON.stringify(batch, null, 2) + '\n');
    for (const p of batch.problems) ctx.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.message}\n`);
    return args.options.strict && batch.problems.length ? 1 : 0;
  },
};
