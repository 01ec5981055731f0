import { expect } from 'chai';
import { monthFactor } from '../../src/engine/month-factor.js';
import { D } from '../../src/engine/decimal.js';

const f = (from: string, to: string) => monthFactor(from, to);

describe('engine/month-factor', () => {
  describe('monthFactor()', () => {
    it('is exactly 1 for a whole month of 28, 29, 30 or 31 days', () => {
      for (const [from, to] of [['2023-02-01', '2023-02-28'], ['2024-02-01', '2024-02-29'], ['2024-04-01', '2024-04-30'], ['2024-01-01', '2024-01-31']]) {
        expect(f(from!, to!).value.eq(1), `${from}…${to}`).to.equal(true);
      }
    });

    it('is exactly 2 for two whole months and 12 for a year', () => {
      expect(f('2024-01-01', '2024-02-29').value.toString()).to.equal('2');
      expect(f('2023-11-01', '2023-12-31').value.toString()).to.equal('2');
      expect(f('2024-01-01', '2024-12-31').value.toString()).to.equal('12');
    });

    it('is 23/31 for 06.12–28.12, kept as an exact fraction', () => {
      const r = f('2017-12-06', '2017-12-28');
      expect(new D(r.numerator).div(new D(r.denominator)).eq(new D(23).div(31))).to.equal(true);
      expect(r.numerator.times(31).eq(r.denominator.times(23))).to.equal(true);
    });

    it('adds the parts of months: 26/31 + 1 + 10/31 for 06.01–10.03.2024', () => {
      const r = f('2024-01-06', '2024-03-10');
      // 26/31 + 29/29 + 10/31 = 67/31
      expect(r.numerator.times(31).eq(r.denominator.times(67))).to.equal(true);
    });

    it('is 1/days-in-month for one day', () => {
      const r = f('2024-02-10', '2024-02-10');
      expect(r.numerator.times(29).eq(r.denominator)).to.equal(true);
    });
  });
});
