import { expect } from 'chai';
import { meterWindow, valueOn } from '../../src/engine/meter-window.js';

const meter = (readings: Array<[string, number | string]>, extra: Record<string, unknown> = {}) => ({
  serial: 'm',
  readings: readings.map(([date, value]) => ({ date, value })),
  ...extra,
});
// January 2024: d1 = 01.01, end = 01.02.
const jan = (m: ReturnType<typeof meter>) => meterWindow(m, '2024-01-01', '2024-02-01');

describe('engine/meter-window', () => {
  describe('valueOn()', () => {
    it('takes the first reading of the day in the list, none for another day', () => {
      const r = meter([['2024-01-01', 5], ['2024-01-01', 7], ['2024-01-02', '8.50']]).readings;
      expect(valueOn(r, '2024-01-01')!.toString()).to.equal('5');
      expect(valueOn(r, '2024-01-02')!.toString()).to.equal('8.5');
      expect(valueOn(r, '2024-01-03')).to.equal(null);
    });
  });

  describe('meterWindow()', () => {
    it('reports the delta between the readings of d1 and d2 + 1', () => {
      const w = jan(meter([['2023-12-01', 1], ['2024-01-01', 10], ['2024-01-15', 15], ['2024-02-01', 32.5]]));
      expect(w).to.include({ inPeriod: true, start: '2024-01-01', stop: '2024-02-01', status: 'reported' });
      expect(w.delta!.toString()).to.equal('22.5');
    });

    it('starts at the installation day and stops at the removal day (both reading days)', () => {
      const fresh = jan(meter([['2024-01-11', 0], ['2024-02-01', 30]], { installed: '2024-01-11' }));
      expect(fresh).to.include({ start: '2024-01-11', stop: '2024-02-01', status: 'reported' });
      const old = jan(meter([['2024-01-01', 100], ['2024-01-11', 120]], { removed: '2024-01-11' }));
      expect(old).to.include({ start: '2024-01-01', stop: '2024-01-11', status: 'reported' });
      expect(old.delta!.toString()).to.equal('20');
      // Installed before and removed after the period: the period bounds it.
      expect(jan(meter([['2024-01-01', 1], ['2024-02-01', 2]], { installed: '2023-05-01', removed: '2024-06-01' }))).to.include({ start: '2024-01-01', stop: '2024-02-01' });
    });

    it('leaves the meter out of the period when start ≥ stop', () => {
      expect(jan(meter([], { removed: '2024-01-01' }))).to.include({ inPeriod: false, status: 'not-in-period', start: null, stop: null });
      expect(jan(meter([], { installed: '2024-02-01' }))).to.include({ inPeriod: false });
      expect(jan(meter([], { installed: '2024-01-20', removed: '2024-01-10' }))).to.include({ inPeriod: false });
      // Removed on the day after d1: a one-day window, still in the period.
      expect(jan(meter([['2024-01-01', 1], ['2024-01-02', 2]], { removed: '2024-01-02' }))).to.include({ inPeriod: true, status: 'reported' });
    });

    it('does not report without a reading of day start or of day stop (no interpolation)', () => {
      expect(jan(meter([['2024-01-02', 10], ['2024-02-01', 20]]))).to.include({ status: 'no-start-reading', inPeriod: true, delta: null });
      expect(jan(meter([['2024-01-01', 10], ['2024-01-31', 20], ['2024-02-02', 21]]))).to.include({ status: 'no-end-reading', delta: null });
    });

    it('does not report when the later reading is smaller; an equal one is a zero delta', () => {
      expect(jan(meter([['2024-01-01', 10], ['2024-02-01', 9.99]]))).to.include({ status: 'decreased', delta: null });
      expect(jan(meter([['2024-01-01', 10], ['2024-02-01', 10]])).delta!.isZero()).to.equal(true);
    });

    it('does not report with an error dated in [start, stop): on start yes, on stop no', () => {
      const r: Array<[string, number]> = [['2024-01-01', 10], ['2024-02-01', 20]];
      expect(jan(meter(r, { errors: [{ date: '2024-01-01', code: 'E1' }] }))).to.include({ status: 'error', errorCode: 'E1' });
      expect(jan(meter(r, { errors: [{ date: '2024-01-31', code: 7 }] }))).to.include({ status: 'error', errorCode: '7' });
      expect(jan(meter(r, { errors: [{ date: '2024-02-01', code: 'E1' }] }))).to.include({ status: 'reported' });
      expect(jan(meter(r, { errors: [{ date: '2023-12-31', code: 'E1' }] }))).to.include({ status: 'reported' });
      // The window of a replaced meter ends on its removal day: a later error is not its business.
      expect(jan(meter([['2024-01-01', 1], ['2024-01-11', 5]], { removed: '2024-01-11', errors: [{ date: '2024-01-20', code: 'E1' }] }))).to.include({ status: 'reported' });
    });
  });
});
