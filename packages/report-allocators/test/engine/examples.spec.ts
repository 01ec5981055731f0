import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allocate } from '../../src/engine/index.js';

/** The spec's worked examples, next to the repository (../shared/spec/examples). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../../shared/spec/examples/', import.meta.url));

describe('engine/allocate (spec examples)', () => {
  const inputs = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.input.json')).sort();

  it('finds the examples', () => expect(inputs.length).to.be.greaterThan(5));

  for (const file of inputs) {
    const name = file.replace('.input.json', '');
    it(`reproduces ${name} exactly`, () => {
      const input = JSON.parse(readFileSync(`${EXAMPLES_DIR}${file}`, 'utf8'));
      const expected = JSON.parse(readFileSync(`${EXAMPLES_DIR}${name}.expected.json`, 'utf8'));
      const result = allocate(input) as any;
      expect(result.ok).to.equal(expected.ok);
      if (!expected.ok) {
        expect(result.error.code).to.equal(expected.error.code);
        return;
      }
      expect(result.heatGcal).to.equal(expected.heatGcal);
      expect(Number(result.coveredArea)).to.equal(Number(expected.coveredArea));
      expect(Number(result.totalArea)).to.equal(Number(expected.totalArea));
      expect(result.heatSource).to.equal(expected.heatSource);
      expect(result.premises.map((p: any) => [p.id, p.method, p.gcal])).to.deep.equal(expected.premises.map((p: any) => [p.id, p.method, p.gcal]));
      for (const [i, p] of expected.premises.entries()) {
        if (p.units !== undefined) expect(result.premises[i].units).to.equal(p.units);
        if (p.estimated !== undefined) expect(result.premises[i].estimated).to.equal(p.estimated);
      }
    });
  }
});
