import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { decodeTelegram, parseHex, TelegramError } from '../decoder/telegram.js';
import { hasSecondaryAddress, secondaryOf, startMbusSimulator } from '../wire/simulator.js';

/**
 * `openamr simulate mbus --frames DIR --port N [--baud 2400]`: an M-Bus bus behind a TCP
 * gateway on 127.0.0.1 whose slaves answer with the recorded frames of DIR (`*.hex` RSP_UD frames of variable or
 * fixed structure, primary addresses 1, 2, … in name order; a frame that does not decode is
 * skipped with the reason on stderr), for trying a concentrator without hardware. Runs until
 * interrupted (or `--seconds`).
 */
export const simulateCommand: CliCommand = {
  name: 'simulate mbus',
  describe: 'Run an M-Bus slave simulator on TCP answering with recorded frames',
  options: {
    frames: { type: 'string', describe: 'A folder of *.hex frames (one slave each)' },
    port: { type: 'string', describe: 'TCP port (default 10001)', default: '10001' },
    baud: { type: 'string', describe: 'Pace the answers as a bus at this baud rate (e.g. 2400)' },
    seconds: { type: 'string', describe: 'Stop after this many seconds' },
  },
  async run(args, ctx) {
    if (!args.options.frames) throw new InputError({ ru: 'Укажите папку с кадрами: --frames DIR', en: 'Give the folder of frames: --frames DIR' }, { field: 'frames' });
    const dir = resolve(ctx.cwd, String(args.options.frames));
    const names = (await readdir(dir).catch(() => { throw new InputError({ ru: `Папка ${dir} не читается`, en: `Cannot read folder ${dir}` }, { file: dir }); }))
      .filter((n) => n.endsWith('.hex'))
      .sort();
    const slaves = [];
    for (const [i, name] of names.entries()) {
      if (i >= 250) break;
      try {
        const frame = parseHex(await readFile(resolve(dir, name), 'utf8'));
        decodeTelegram(frame); // an RSP_UD the decoder reads (variable or fixed structure), else skipped with the reason
        slaves.push({ address: slaves.length + 1, frame, name });
      } catch (err) {
        if (!(err instanceof TelegramError)) throw err;
        ctx.stderr.write(`${name}: ${err.message} — skipped\n`);
      }
    }
    const sim = await startMbusSimulator({ slaves, port: Number(args.options.port), baud: args.options.baud ? Number(args.options.baud) : undefined });
    ctx.stdout.write(JSON.stringify({ port: sim.port, slaves: slaves.map((s) => ({ address: s.address, secondary: hasSecondaryAddress(s.frame) ? secondaryOf(s.frame) : null, file: s.name })) }, null, 2) + '\n');
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (args.options.seconds) setTimeout(stop, Number(args.options.seconds) * 1000).unref();
    });
    await sim.close();
    return 0;
  },
};
