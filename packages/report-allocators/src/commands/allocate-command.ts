import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'lossless-json';
import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { allocate, AllocationInputError } from '../engine/index.js';

/** JSON numbers stay their exact text (no binary float on the way into the engine). */
export function parseExactJson(text: string): unknown {
  return parse(text, null, (digits: string) => digits);
}

/**
 * `openamr allocate FILE.json`: the engine on a file. Prints the result JSON (also a
 * calculation error: that is an answer) and exits 0; an input that fails the schema exits 1
 * naming the field.
 */
export const allocateCommand: CliCommand = {
  name: 'allocate',
  describe: 'Run the heat cost allocation (spec/ALLOCATION.md) on an input JSON file and print the result',
  positionals: [{ name: 'FILE', required: true, describe: 'The allocation input (see examples in the spec); - reads stdin' }],
  async run(args, ctx) {
    const file = args.positionals[0]!;
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(resolve(ctx.cwd, file), 'utf8');
    } catch (err) {
      throw new InputError({ ru: `Не удалось прочитать ${file}: ${(err as Error).message}`, en: `Cannot read ${file}: ${(err as Error).message}` }, { file });
    }
    let input: unknown;
    try {
      input = parseExactJson(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new InputError({ ru: `${file}: не JSON (${(err as Error).message})`, en: `${file}: not JSON (${(err as Error).message})` }, { file });
    }
    try {
      ctx.stdout.write(JSON.stringify(allocate(input), null, 2) + '\n');
    } catch (err) {
      if (err instanceof AllocationInputError) {
        throw new InputError({ ru: `${file}: неверное поле ${err.message}`, en: `${file}: invalid field ${err.message}` }, { file, field: err.field });
      }
      throw err;
    }
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
