import { expect } from 'chai';
import { normInForce } from '../../src/engine/norm-in-force.js';

const norms = [
  { kind: 'residential' as const, from: '2023-07-01', value: 0.0185 },
  { kind: 'residential' as const, from: '2019-07-01', value: '0.021' },
  { kind: 'residential' as const, from: '2024-02-10', value: '0.016' },
  { kind: 'residential' as const, from: '2024-02-20', value: '0.015' },
  { kind: 'non-residential' as const, from: '2024-03-05', value: '0.025' },
];
const pick = (kind: 'residential' | 'non-residential', d1: string, d2: string) => {
  const n = normInForce(norms, kind, d1, d2);
  return n && { value: n.value.toString(), from: n.from };
};

describe('engine/norm-in-force', () => {
  describe('normInForce()', () => {
    it('takes the latest norm with from ≤ d1, whatever the list order', () => {
      expect(pick('residential', '2024-01-01', '2024-01-31')).to.deep.equal({ value: '0.0185', from: '2023-07-01' });
      expect(pick('residential', '2023-07-01', '2023-07-31')).to.deep.equal({ value: '0.0185', from: '2023-07-01' });
      expect(pick('residential', '2020-01-01', '2020-01-31')).to.deep.equal({ value: '0.021', from: '2019-07-01' });
      // A norm starting inside the period does not replace the one in force on d1.
      expect(pick('residential', '2024-02-01', '2024-02-29')).to.deep.equal({ value: '0.0185', from: '2023-07-01' });
    });

    it('else takes the earliest norm with d1 < from ≤ d2', () => {
      expect(pick('non-residential', '2024-03-01', '2024-03-31')).to.deep.equal({ value: '0.025', from: '2024-03-05' });
      expect(pick('non-residential', '2024-03-04', '2024-03-05')).to.deep.equal({ value: '0.025', from: '2024-03-05' });
      const only = [norms[3]!, norms[2]!];
      expect(normInForce(only, 'residential', '2024-02-01', '2024-02-29')!.from).to.equal('2024-02-10');
    });

    it('finds none before d1 or inside the period (NO_NORM)', () => {
      expect(pick('non-residential', '2024-03-01', '2024-03-04')).to.equal(null);
      expect(pick('residential', '2019-01-01', '2019-06-30')).to.equal(null);
      expect(normInForce([], 'residential', '2024-01-01', '2024-01-31')).to.equal(null);
    });

    it('takes the first in the list between norms of the same day', () => {
      const twins = [
        { kind: 'residential' as const, from: '2024-01-01', value: '0.02' },
        { kind: 'residential' as const, from: '2024-01-01', value: '0.03' },
      ];
      expect(normInForce(twins, 'residential', '2024-01-10', '2024-01-31')!.value.toString()).to.equal('0.02');
      expect(normInForce(twins, 'residential', '2023-12-10', '2024-01-31')!.value.toString()).to.equal('0.02');
    });
  });
});
