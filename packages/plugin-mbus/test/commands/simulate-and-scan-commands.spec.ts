import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { InputError, type CommandContext } from '@openamr/core/plugin-api';
import { createMemoryLogger } from '@openamr/core/testing';
import { decodeTelegram, parseHex, secondaryOf } from '../../src/index.js';
import { simulateCommand } from '../../src/commands/simulate-command.js';
import { scanCommand } from '../../src/commands/scan-command.js';
import { CORPUS, corpusFrames } from '../corpus.js';

function context(cwd: string): CommandContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  return { stdout, stderr, cwd, logger: createMemoryLogger(), services: { get: () => { throw new Error('no services'); } }, out: () => out, err: () => err };
}

/** Starts `simulate mbus` and waits for the JSON it prints once listening. */
async function simulate(dir: string, seconds: string) {
  const ctx = context(dir);
  const running = simulateCommand.run({ positionals: [], options: { frames: '.', port: '0', seconds } }, ctx);
  for (let i = 0; i < 500 && !ctx.out().endsWith('}\n'); i++) await Promise.race([running, new Promise((r) => setTimeout(r, 10))]);
  return { running, ctx, started: JSON.parse(ctx.out()) as { port: number; slaves: Array<{ address: number; secondary: string | null; file: string }> } };
}

const frameOf = (name: string) => parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8'));

describe('commands/simulate-command and commands/scan-command', () => {
  describe('run()', () => {
    it('serves every corpus frame (fixed structure too) at addresses 1, 2, …; `mbus scan` finds each by primary address', async function () {
      this.timeout(120_000);
      const names = corpusFrames();
      const { running, started } = await simulate(`${CORPUS}frames`, '20');
      expect(started.slaves.map((s) => [s.address, s.file])).to.deep.equal(names.map((n, i) => [i + 1, n]));
      const scan = context(tmpdir());
      expect(await scanCommand.run({ positionals: [], options: { host: '127.0.0.1', port: String(started.port), timeout: '20' } }, scan)).to.equal(0);
      const found = JSON.parse(scan.out()).meters as Array<{ address: number; serial: string }>;
      expect(found.map((m) => [m.address, m.serial])).to.deep.equal(names.map((n, i) => [i + 1, decodeTelegram(frameOf(n)).slave.id]));
      expect(scan.err()).to.contain('address 250…');
      expect(await running).to.equal(0);
    });

    it('skips a frame that does not decode, saying why; `mbus scan --secondary` finds the others by secondary address', async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(join(tmpdir(), 'mbus-sim-'));
      const names = ['kamstrup_multical_601.hex', 'rel_padpuls3.hex', 'sen_pollusonic_2.hex'];
      for (const n of names) copyFileSync(`${CORPUS}frames/${n}`, join(dir, n));
      writeFileSync(join(dir, 'broken.hex'), '68 1F 1F 68 08 00 72 zz');
      const { running, ctx, started } = await simulate(dir, '8');
      expect(ctx.err()).to.match(/^broken\.hex: not a hex digit: "z".* — skipped\n$/);
      expect(started.slaves.map((s) => [s.file, s.secondary])).to.deep.equal([...names.slice(0, 2).map((n) => [n, secondaryOf(frameOf(n))]), [names[2], null]]);
      const scan = context(dir);
      expect(await scanCommand.run({ positionals: [], options: { host: '127.0.0.1', port: String(started.port), secondary: true, timeout: '20' } }, scan)).to.equal(0);
      const found = JSON.parse(scan.out()).meters as Array<{ secondary: string; serial: string }>;
      // The variable-data meters; a fixed-structure frame has no secondary address header to select by.
      expect(found.map((m) => [m.secondary, m.serial]).sort()).to.deep.equal(names.slice(0, 2).map((n) => [secondaryOf(frameOf(n)), decodeTelegram(frameOf(n)).slave.id]).sort());
      expect(await running).to.equal(0);
    });

    it('refuses a missing --frames or --host as input, and a folder that is not there naming it', async () => {
      const missing = await simulateCommand.run({ positionals: [], options: { port: '0' } }, context(tmpdir())).catch((e) => e);
      expect(missing).to.be.instanceOf(InputError);
      const nowhere = await simulateCommand.run({ positionals: [], options: { frames: 'no-such-dir', port: '0' } }, context(tmpdir())).catch((e) => e);
      expect(nowhere).to.be.instanceOf(InputError);
      expect(nowhere.messageIn('en')).to.contain(join(tmpdir(), 'no-such-dir'));
      const host = await scanCommand.run({ positionals: [], options: { port: '1' } }, context(tmpdir())).catch((e) => e);
      expect(host).to.be.instanceOf(InputError);
    });
  });
});
