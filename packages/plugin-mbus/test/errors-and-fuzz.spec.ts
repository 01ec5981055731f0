import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@openamr/core';
import { decodeTelegram, parseHex, TelegramError } from '../src/index.js';
import { CORPUS, corpusFrames } from './corpus.js';

describe('plugin-mbus: bad telegrams', () => {
  for (const name of readdirSync(`${CORPUS}error-frames`).filter((f) => f.endsWith('.hex')).sort()) {
    it(`${name}: a precise TelegramError, never another exception`, () => {
      let error: unknown;
      try {
        decodeTelegram(parseHex(readFileSync(`${CORPUS}error-frames/${name}`, 'utf8')));
      } catch (err) {
        error = err;
      }
      expect(error, 'refused').to.be.instanceOf(TelegramError);
      expect((error as TelegramError).message).to.match(/\(byte \d+\)$/);
      const xml = `${CORPUS}error-frames/${name.replace(/\.hex$/, '.xml')}`;
      if (existsSync(xml)) {
        const expected = /<Error>([^<]*)<\/Error>/.exec(readFileSync(xml, 'utf8'))![1]!;
        expect((error as TelegramError).meterError).to.equal(expected);
      }
    });
  }

  it('survives mutated corpus frames, headers included (bounded fuzz): a result or a TelegramError, nothing else', () => {
    const frames = corpusFrames().map((f) => parseHex(readFileSync(`${CORPUS}frames/${f}`, 'utf8')));
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const deadline = Date.now() + 2000;
    let runs = 0;
    let decoded = 0;
    while (Date.now() < deadline) {
      const f = frames[rand(frames.length)]!.slice();
      // Half the time the link and application headers too (C, A, CI, id, manufacturer, version, medium, status…), else the records only.
      const body = f.subarray(rand(2) ? 4 : 7, f.length - 2);
      for (let k = 0, n = 1 + rand(4); k < n && body.length; k++) body[rand(body.length)] = rand(256);
      // Keep the frame valid around the mutated records half the time, so the record parser is what is tested.
      let frame: Uint8Array = f;
      if (rand(2)) {
        let sum = 0;
        for (let i = 4; i < f.length - 2; i++) sum = (sum + f[i]!) & 0xff;
        f[f.length - 2] = sum;
      } else frame = f.subarray(0, rand(f.length));
      try {
        decodeTelegram(frame);
        decoded++;
      } catch (err) {
        if (!(err instanceof TelegramError)) throw new Error(`${(err as Error).stack}\nframe: ${Buffer.from(frame).toString('hex')}`);
      }
      runs++;
    }
    expect(runs).to.be.greaterThan(1000);
    expect(decoded, 'some mutations still decode').to.be.greaterThan(0);
  });

  it('`openamr mbus decode FILE.hex` prints the telegram as JSON, and refuses a damaged one with its byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amr-mbus-'));
    writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: ['@openamr/plugin-mbus'] }));
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: (s: string) => err.push(s) } as never, env: { LOG_LEVEL: 'silent' }, cwd: dir });
      return { code, stdout: out.join(''), stderr: err.join('') };
    };
    const ok = await run(['mbus', 'decode', `${CORPUS}frames/EFE_Engelmann-WaterStar.hex`]);
    expect(ok.code, ok.stderr).to.equal(0);
    const json = JSON.parse(ok.stdout);
    expect(json.slave).to.deep.equal({ id: '4990254', manufacturer: 'EFE', version: 0, medium: 'Warm water (30-90°C)', accessNumber: 12, status: '27' });
    expect(json.records[2]).to.deep.equal({ function: 'Instantaneous value', storageNumber: 0, tariff: null, subunit: null, unit: 'm^3', quantity: 'Volume', value: 0.332 });
    writeFileSync(join(dir, 'bad.hex'), '68 1F 1F 68 08 00 72 00 16');
    const bad = await run(['mbus', 'decode', join(dir, 'bad.hex')]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('bad.hex: the frame ends after 9 bytes; its length byte promises 37 (byte 9)');
  });
});
