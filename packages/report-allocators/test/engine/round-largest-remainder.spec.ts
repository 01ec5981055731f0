import { expect } from 'chai';
import { D, EX } from '../../src/engine/decimal.js';
import { roundDecimalsLargestRemainder, roundLargestRemainder } from '../../src/engine/round-largest-remainder.js';

const strs = (xs: Array<{ toFixed(n: number): string }>) => xs.map((x) => x.toFixed(4));
const decs = (xs: string[]) => xs.map((x) => new D(x));

describe('engine/round-largest-remainder', () => {
  describe('roundDecimalsLargestRemainder()', () => {
    it('rounds down and gives 0.0001 to the largest remainders until the target is met', () => {
      // Σ = 1: floors 0.1000 + 0.2000 + 0.6999 = 0.9999 → k = 1, remainders 0.00002, 0.00007, 0.00001.
      expect(strs(roundDecimalsLargestRemainder(decs(['0.10002', '0.20007', '0.69991']), new D('1.0000')))).to.deep.equal(['0.1000', '0.2001', '0.6999']);
      // Σ = 1: floors 0.1000 + 0.2000 + 0.6998 = 0.9998 → k = 2, remainders 0.00008, 0.00006, 0.00006.
      expect(strs(roundDecimalsLargestRemainder(decs(['0.10008', '0.20006', '0.69986']), new D('1.0000')))).to.deep.equal(['0.1001', '0.2001', '0.6998']);
    });

    it('breaks a tie between equal remainders by input order', () => {
      // Σ = 1: remainders 0.00005 both, k = 1.
      expect(strs(roundDecimalsLargestRemainder(decs(['0.50005', '0.49995']), new D('1.0000')))).to.deep.equal(['0.5001', '0.4999']);
      // Σ = 11: four remainders of 0.00005, k = 2: the first two.
      expect(strs(roundDecimalsLargestRemainder(decs(['1.00005', '2.00005', '3.00005', '4.99985']), new D('11.0000')))).to.deep.equal(['1.0001', '2.0001', '3.0000', '4.9998']);
      // Σ = 1: remainders 0.00006, 0.00007, 0.00007, k = 2: the two largest, equal, both get it.
      expect(strs(roundDecimalsLargestRemainder(decs(['0.10006', '0.20007', '0.69987']), new D('1.0000')))).to.deep.equal(['0.1000', '0.2001', '0.6999']);
    });

    it('leaves values that are already on the 0.0001 grid alone (k = 0)', () => {
      expect(strs(roundDecimalsLargestRemainder(decs(['1.1', '2.2', '0']), new D('3.3')))).to.deep.equal(['1.1000', '2.2000', '0.0000']);
      expect(roundDecimalsLargestRemainder([], new D(0))).to.deep.equal([]);
    });

    it('meets a target rounded half-up from the exact sum', () => {
      // Σ = 1.00005 → target 1.0001 (half-up): floors 0.5000 + 0.5000, k = 1, the first of two equal remainders.
      expect(strs(roundDecimalsLargestRemainder(decs(['0.500025', '0.500025']), new D('1.0001')))).to.deep.equal(['0.5001', '0.5000']);
    });
  });

  describe('roundLargestRemainder()', () => {
    it('compares remainders exactly over a common denominator (thirds and sevenths)', () => {
      // 1/3, 1/3, 1/3 of 1 → the first gets 0.3334.
      expect(strs(roundLargestRemainder([new EX(1), new EX(1), new EX(1)], new EX(3), new D(1)))).to.deep.equal(['0.3334', '0.3333', '0.3333']);
      // 2/7 = 0.285714…, 5/7 = 0.714285…: remainders 0.0000142… and 0.0000857…: the second wins.
      expect(strs(roundLargestRemainder([new EX(2), new EX(5)], new EX(7), new D(1)))).to.deep.equal(['0.2857', '0.7143']);
    });

    it('sees equal remainders of different values as a tie (0.0011/29 for both)', () => {
      // 7.9587/29 = 0.27443793…, 4.0959/29 = 0.14123793…: both remainders are exactly 0.0011/29.
      const r = roundLargestRemainder([new EX('7.9587'), new EX('4.0959')], new EX(29), new D('0.4157'));
      expect(strs(r)).to.deep.equal(['0.2745', '0.1412']);
      const swapped = roundLargestRemainder([new EX('4.0959'), new EX('7.9587')], new EX(29), new D('0.4157'));
      expect(strs(swapped)).to.deep.equal(['0.1413', '0.2744']);
    });

    it('refuses a denominator that is not positive', () => {
      expect(() => roundLargestRemainder([new EX(1)], new EX(0), new D(1))).to.throw(RangeError);
    });
  });
});
