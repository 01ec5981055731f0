import { expect } from 'chai';
import { addDays, compareDays, dayNumber, dayOfNumber, daysInMonth, eachDay, isValidDay, maxDay, minDay, monthsOf } from '../../src/engine/days.js';

describe('engine/days', () => {
  describe('dayNumber() / dayOfNumber()', () => {
    it('counts days from 1970-01-01 and back, across leap years and centuries', () => {
      expect(dayNumber('1970-01-01')).to.equal(0);
      expect(dayNumber('2024-01-01')).to.equal(19723);
      expect(dayNumber('1969-12-31')).to.equal(-1);
      for (const d of ['1900-02-28', '1900-03-01', '2000-02-29', '2024-02-29', '2100-03-01', '1601-01-01']) expect(dayOfNumber(dayNumber(d))).to.equal(d);
      // Every day of 1999–2101 round-trips and follows its predecessor.
      let prev = dayNumber('1999-01-01');
      for (let n = prev + 1; n < dayNumber('2101-12-31'); n++) {
        const d = dayOfNumber(n);
        expect(dayNumber(d)).to.equal(n);
        expect(d > dayOfNumber(prev)).to.equal(true);
        prev = n;
      }
    });
  });

  describe('addDays()', () => {
    it('moves over month and year ends and leap days', () => {
      expect(addDays('2024-01-31', 1)).to.equal('2024-02-01');
      expect(addDays('2024-02-28', 1)).to.equal('2024-02-29');
      expect(addDays('2023-02-28', 1)).to.equal('2023-03-01');
      expect(addDays('2024-12-31', 1)).to.equal('2025-01-01');
      expect(addDays('2024-03-01', -1)).to.equal('2024-02-29');
      expect(addDays('2024-03-01', 0)).to.equal('2024-03-01');
    });
  });

  describe('daysInMonth()', () => {
    it('knows 28, 29, 30 and 31 (1900 is not a leap year, 2000 is)', () => {
      expect(['2023-02-10', '2024-02-10', '2024-04-30', '2024-12-01', '1900-02-01', '2000-02-01'].map(daysInMonth)).to.deep.equal([28, 29, 30, 31, 28, 29]);
    });
  });

  describe('isValidDay()', () => {
    it('accepts existing days only, in the form YYYY-MM-DD', () => {
      expect(['2024-02-29', '2023-12-31'].map(isValidDay)).to.deep.equal([true, true]);
      expect(['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-1-01', '2024-01-01T00:00:00Z', ''].map(isValidDay)).to.deep.equal(Array(7).fill(false));
    });
  });

  describe('compareDays() / maxDay() / minDay()', () => {
    it('orders days and ignores a missing bound', () => {
      expect([compareDays('2024-01-01', '2024-01-02'), compareDays('2024-01-02', '2024-01-02'), compareDays('2024-02-01', '2024-01-31')]).to.deep.equal([-1, 0, 1]);
      expect(maxDay('2024-01-01', '2024-01-11')).to.equal('2024-01-11');
      expect(maxDay('2024-01-01', null)).to.equal('2024-01-01');
      expect(minDay('2024-02-01', '2024-01-11')).to.equal('2024-01-11');
      expect(minDay('2024-02-01', undefined)).to.equal('2024-02-01');
    });
  });

  describe('eachDay() / monthsOf()', () => {
    it('lists the days of a range, both ends included', () => {
      expect([...eachDay('2024-02-27', '2024-03-02')]).to.deep.equal(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
      expect([...eachDay('2024-01-05', '2024-01-05')]).to.have.length(1);
    });

    it('splits a range into months with the days inside and the month length', () => {
      expect(monthsOf('2017-12-06', '2017-12-28')).to.deep.equal([{ month: '2017-12', days: 23, length: 31 }]);
      expect(monthsOf('2024-01-06', '2024-03-10')).to.deep.equal([
        { month: '2024-01', days: 26, length: 31 },
        { month: '2024-02', days: 29, length: 29 },
        { month: '2024-03', days: 10, length: 31 },
      ]);
      expect(monthsOf('2024-12-31', '2025-01-01')).to.deep.equal([
        { month: '2024-12', days: 1, length: 31 },
        { month: '2025-01', days: 1, length: 31 },
      ]);
    });
  });
});
