import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'lossless-json';
import { allocate } from '../../src/engine/index.js';

/** The spec's worked examples, next to the repository (../shared/spec/examples). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../../shared/spec/examples/', import.meta.url));

/** JSON numbers as their exact text, as `openamr allocate` reads a file. */
const exactJson = (text: string): unknown => parse(text, null, (digits: string) => digits);

describe('engine/allocate (spec examples)', () => {
  // Every *.input.json of the directory, so that new examples are picked up.
  const inputs = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.input.json'))
    .sort();

  describe('allocate()', () => {
    it('finds the examples, each with its expected result', () => {
      expect(inputs.length).to.be.greaterThan(5);
      for (const f of inputs) expect(readdirSync(EXAMPLES_DIR)).to.include(f.replace('.input.json', '.expected.json'));
    });

    for (const file of inputs) {
      const name = file.replace('.input.json', '');
      const text = readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8');
      const expected = JSON.parse(readFileSync(`${EXAMPLES_DIR}${name}.expected.json`, 'utf8'));

      it(`reproduces the checked fields of ${name} (numbers from JSON.parse, compared as numbers)`, () => {
        const result = allocate(JSON.parse(text)) as any;
        expect(result.ok).to.equal(expected.ok);
        if (!expected.ok) {
          expect(result.error.code).to.equal(expected.error.code);
          expect(result.error.message).to.be.a('string').and.not.equal('');
          return;
        }
        expect(Number(result.heatGcal)).to.equal(Number(expected.heatGcal));
        expect(result.premises.map((p: any) => [p.id, p.method, Number(p.gcal)])).to.deep.equal(
          expected.premises.map((p: any) => [p.id, p.method, Number(p.gcal)]),
        );
        // gcal and heatGcal always have exactly 4 decimals, so the strings are equal too.
        expect(result.heatGcal).to.equal(expected.heatGcal);
        expect(result.premises.map((p: any) => p.gcal)).to.deep.equal(expected.premises.map((p: any) => p.gcal));
        expect(Number(result.coveredArea)).to.equal(Number(expected.coveredArea));
        expect(Number(result.totalArea)).to.equal(Number(expected.totalArea));
      });

      it(`reproduces every field of ${name} as text when numbers keep their text`, () => {
        const result = allocate(exactJson(text)) as any;
        if (!expected.ok) {
          expect(result).to.deep.include({ ok: false });
          expect(result.error.code).to.equal(expected.error.code);
          return;
        }
        // Every field of the expected file, with the same strings ("300.0", "694.2500", 0 estimated).
        const picked = {
          ...Object.fromEntries(Object.keys(expected).map((k) => [k, result[k]])),
          premises: result.premises.map((p: any, i: number) => Object.fromEntries(Object.keys(expected.premises[i] ?? p).map((k) => [k, p[k]]))),
        };
        expect(picked).to.deep.equal(expected);
      });
    }
  });
});
