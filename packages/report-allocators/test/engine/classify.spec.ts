import { expect } from 'chai';
import { classify } from '../../src/engine/classify.js';

const counts = (n: number, k: number, heatMeters = 0, heatMetersReported = 0) => ({ allocators: n, allocatorsReported: k, heatMeters, heatMetersReported });
const on = { byNorm: false, majority: true };
const off = { byNorm: false, majority: false };

describe('engine/classify', () => {
  describe('classify()', () => {
    it('takes allocators when all reported, with or without the majority option', () => {
      expect(classify(counts(3, 3), off)).to.equal('allocators');
      expect(classify(counts(1, 1), on)).to.equal('allocators');
    });

    it('takes allocators with the majority option only for strictly more than half: 2/3 yes, 1/2 no, 2/4 no, 3/4 yes', () => {
      expect([counts(3, 2), counts(2, 1), counts(4, 2), counts(4, 3), counts(1, 0), counts(5, 3)].map((c) => classify(c, on))).to.deep.equal([
        'allocators',
        'area-average',
        'area-average',
        'allocators',
        'area-average',
        'allocators',
      ]);
      expect(classify(counts(4, 3), off)).to.equal('area-average');
    });

    it('falls to area-norm with byNorm, area-average without', () => {
      expect(classify(counts(2, 0), { byNorm: true, majority: true })).to.equal('area-norm');
      expect(classify(counts(0, 0), { byNorm: true, majority: false })).to.equal('area-norm');
      expect(classify(counts(0, 0), off)).to.equal('area-average');
    });

    it('takes the heat meter when no allocator takes part and every heat meter taking part reported', () => {
      expect(classify(counts(0, 0, 1, 1), off)).to.equal('heat-meter');
      expect(classify(counts(0, 0, 2, 2), on)).to.equal('heat-meter');
      expect(classify(counts(0, 0, 2, 1), on)).to.equal('area-average');
      expect(classify(counts(0, 0, 1, 0), { byNorm: true, majority: true })).to.equal('area-norm');
    });

    it('prefers allocators taking part over heat meters', () => {
      expect(classify(counts(2, 2, 1, 1), off)).to.equal('allocators');
      expect(classify(counts(2, 0, 1, 1), off)).to.equal('area-average');
    });
  });
});
