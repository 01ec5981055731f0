import { expect } from 'chai';
import { allocate, AllocationInputError } from '../../src/engine/index.js';
import { allocator, building, good, heatMeter, premise, silent } from './build.js';

const run = (input: unknown) => allocate(input) as any;
const code = (input: unknown) => run(input).error?.code;
const gcal = (r: any) => Object.fromEntries(r.premises.map((p: any) => [p.id, p.gcal]));
const methods = (r: any) => Object.fromEntries(r.premises.map((p: any) => [p.id, p.method]));

describe('engine/allocate', () => {
  describe('allocate() errors', () => {
    it('INVALID_PERIOD when the period ends before it starts (a one-day period is fine)', () => {
      const p = [premise('1', 10, [good('a', 1, 10)])];
      expect(code(building(p, { period: { from: '2024-01-31', to: '2024-01-30' } }))).to.equal('INVALID_PERIOD');
      const oneDay = [premise('1', 10, [allocator('a', 1, [['2024-01-31', 5], ['2024-02-01', 6]])])];
      expect(run(building(oneDay, { period: { from: '2024-01-31', to: '2024-01-31' }, options: { manualHeatGcal: 1 } })).ok).to.equal(true);
    });

    it('NO_BUILDING_METER_READINGS without a reading on exactly d1 or d2 + 1 (no interpolation)', () => {
      const p = [premise('1', 10, [good('a', 1, 10)])];
      expect(code(building(p, { buildingMeter: { unit: 'Gcal', readings: [{ date: '2024-01-01', value: 1 }, { date: '2024-01-31', value: 5 }] } }))).to.equal('NO_BUILDING_METER_READINGS');
      expect(code(building(p, { buildingMeter: { unit: 'Gcal', readings: [] } }))).to.equal('NO_BUILDING_METER_READINGS');
      expect(run(building(p, { buildingMeter: { unit: 'Gcal', readings: [] }, options: { manualHeatGcal: '3.5' } })).heatSource).to.equal('manual');
    });

    it('NON_POSITIVE_HEAT for Q = 0 or a meter that went backwards', () => {
      const p = [premise('1', 10, [good('a', 1, 10)])];
      expect(code(building(p, { options: { manualHeatGcal: 0 } }))).to.equal('NON_POSITIVE_HEAT');
      expect(code(building(p, { buildingMeter: { unit: 'Gcal', readings: [{ date: '2024-01-01', value: 5 }, { date: '2024-02-01', value: 4 }] } }))).to.equal('NON_POSITIVE_HEAT');
    });

    it('COVERAGE_BELOW_HALF below 50 % of the area; exactly 50 % passes', () => {
      const half = [premise('1', 50, [good('a', 1, 10)]), premise('2', 50)];
      expect(run(building(half)).ok).to.equal(true);
      expect(code(building([premise('1', 50, [good('a', 1, 10)]), premise('2', '50.01')]))).to.equal('COVERAGE_BELOW_HALF');
    });

    it('NO_NORM for an area-norm premise whose kind has no norm in or before the period', () => {
      const p = [premise('1', 60, [good('a', 1, 10)]), premise('2', 40, [], { kind: 'non-residential' })];
      const norms = [{ kind: 'residential', from: '2020-01-01', value: 0.02 }];
      const r = run(building(p, { norms, options: { byNorm: true } }));
      expect(r.error.code).to.equal('NO_NORM');
      expect(r.error.message).to.equal('Нет норматива на период расчета для помещений вида «нежилые»');
      expect(run(building(p, { norms, options: { byNorm: false } })).ok).to.equal(true);
    });

    it('NEGATIVE_REMAINDER when the area premises take more than Q, checked before ZERO_UNITS', () => {
      const p = [premise('1', 60, [silent('a', 1), good('b', 1, 0)]), premise('2', 40, [], { kind: 'non-residential' })];
      // 40 m² × 0.03 × 1 month = 1.2 Gcal > Q = 1; the allocator premise has R = 0 too.
      expect(code(building(p, { options: { byNorm: true, manualHeatGcal: 1, majority: false } }))).to.equal('COVERAGE_BELOW_HALF');
      const covered = [premise('1', 60, [good('a', 1, 0)]), premise('2', 40, [], { kind: 'non-residential' })];
      expect(code(building(covered, { options: { byNorm: true, manualHeatGcal: 1 } }))).to.equal('NEGATIVE_REMAINDER');
    });

    it('ZERO_UNITS when heat remains but no units were counted, also when no premise uses allocators', () => {
      expect(code(building([premise('1', 60, [good('a', 1, 0)]), premise('2', 40)]))).to.equal('ZERO_UNITS');
      expect(code(building([premise('1', 60, [], { heatMeters: [heatMeter('h', 'Gcal', [['2024-01-01', 1], ['2024-02-01', 2]])] })]))).to.equal('ZERO_UNITS');
    });

    it('gives every allocator premise 0 when ΣR = 0 and nothing remains', () => {
      const r = run(building([premise('1', 60, [good('a', 1, 0)]), premise('2', 40, [], { heatMeters: [heatMeter('h', 'Gcal', [['2024-01-01', 0], ['2024-02-01', 10]])] })]));
      expect(gcal(r)).to.deep.equal({ '1': '0.0000', '2': '10.0000' });
    });

    it('lets the earliest step win when several errors apply', () => {
      const bad = building([premise('1', 10), premise('2', 90)], { period: { from: '2024-02-01', to: '2024-01-01' }, buildingMeter: { unit: 'Gcal', readings: [] } });
      expect(code(bad)).to.equal('INVALID_PERIOD');
      expect(code({ ...bad, period: { from: '2024-01-01', to: '2024-01-31' } })).to.equal('NO_BUILDING_METER_READINGS');
    });
  });

  describe('allocate() classification', () => {
    const withShare = (k: number, n: number, majority: boolean) => {
      const allocators = Array.from({ length: n }, (_, i) => (i < k ? good(`a${i}`, 1, 10) : silent(`a${i}`, 1)));
      return methods(run(building([premise('1', 40, allocators), premise('2', 60, [good('z', 1, 10)])], { options: { majority } })))['1'];
    };
    it('majority on: 2/3 yes, 1/2 no, 2/4 no, 3/4 yes', () => {
      expect(withShare(2, 3, true)).to.equal('allocators');
      expect(withShare(1, 2, true)).to.equal('area-average');
      expect(withShare(2, 4, true)).to.equal('area-average');
      expect(withShare(3, 4, true)).to.equal('allocators');
    });
    it('majority off: only all reported counts', () => {
      expect(withShare(3, 4, false)).to.equal('area-average');
      expect(withShare(4, 4, false)).to.equal('allocators');
    });
    it('a premise without allocators or heat meters is an area premise', () => {
      expect(methods(run(building([premise('1', 60, [good('a', 1, 10)]), premise('2', 40)])))['2']).to.equal('area-average');
    });
  });

  describe('allocate() meter windows', () => {
    it('counts an allocator replaced mid-period as two meters meeting on the same reading day', () => {
      const old = allocator('old', 1.5, [['2024-01-01', 100], ['2024-01-11', 120]], { removed: '2024-01-11' });
      const fresh = allocator('new', 1.5, [['2024-01-11', 0], ['2024-02-01', 30]], { installed: '2024-01-11' });
      const r = run(building([premise('1', 60, [old, fresh]), premise('2', 40, [good('b', 1, 75)])]));
      expect(r.premises[0]).to.include({ units: '75.0000', estimated: 0, method: 'allocators' });
      expect(gcal(r)).to.deep.equal({ '1': '5.0000', '2': '5.0000' });
    });

    it('leaves out a meter whose window is empty (removed before, installed after the period)', () => {
      const gone = allocator('gone', 1, [['2023-12-01', 1]], { removed: '2023-12-15' });
      const later = allocator('later', 1, [], { installed: '2024-02-01' });
      const r = run(building([premise('1', 60, [good('a', 1, 10), gone, later]), premise('2', 40, [good('b', 1, 10)])], { options: { majority: false } }));
      expect(r.premises[0]).to.include({ method: 'allocators', allocatorsTotal: 1, allocatorsReported: 1 });
    });

    it('treats an error dated inside [start, stop) as not reported, and one on the stop day as outside', () => {
      const inside = allocator('e1', 1, [['2024-01-01', 0], ['2024-02-01', 10]], { errors: [{ date: '2024-01-31', code: 'E1' }] });
      const onStop = allocator('e2', 1, [['2024-01-01', 0], ['2024-02-01', 10]], { errors: [{ date: '2024-02-01', code: 'E1' }] });
      const before = allocator('e3', 1, [['2024-01-01', 0], ['2024-02-01', 10]], { errors: [{ date: '2023-12-31', code: 'E1' }] });
      const r = run(building([premise('1', 30, [inside]), premise('2', 30, [onStop]), premise('3', 40, [before])]));
      expect(methods(r)).to.deep.equal({ '1': 'area-average', '2': 'allocators', '3': 'allocators' });
      expect(r.premises[0].allocators[0]).to.include({ status: 'error', errorCode: 'E1' });
    });

    it('treats a negative delta as not reported', () => {
      const back = allocator('back', 1, [['2024-01-01', 50], ['2024-02-01', 40]]);
      const r = run(building([premise('1', 30, [back]), premise('2', 70, [good('b', 1, 10)])]));
      expect(methods(r)['1']).to.equal('area-average');
      expect(r.premises[0].allocators[0].status).to.equal('decreased');
    });

    it('uses the first reading in the list when a day has several', () => {
      const twice = allocator('t', 1, [['2024-01-01', 10], ['2024-01-01', 0], ['2024-02-01', 30], ['2024-02-01', 99]]);
      const r = run(building([premise('1', 60, [twice]), premise('2', 40)]));
      expect(r.premises[0].units).to.equal('20.0000');
    });
  });

  describe('allocate() estimation', () => {
    it('estimates a missing allocator by the coefficient-weighted average of the working ones', () => {
      // working: 10 × 1.2 = 12 and 20 × 0.8 = 16 → 28 units over Σk = 2; missing k = 1.5 → 21.
      const r = run(building([premise('1', 60, [good('a', 1.2, 10), good('b', 0.8, 20), silent('c', 1.5)]), premise('2', 40)]));
      expect(r.premises[0]).to.include({ units: '49.0000', estimated: 1 });
      expect(r.premises[0].allocators[2]).to.include({ estimated: true, reducedUnits: '21' });
    });
  });

  describe('allocate() heat meters', () => {
    it('converts GJ, MWh and kWh deltas to Gcal', () => {
      const p = [
        premise('gj', 20, [], { heatMeters: [heatMeter('h1', 'GJ', [['2024-01-01', 10], ['2024-02-01', '14.1868']])] }),
        premise('mwh', 20, [], { heatMeters: [heatMeter('h2', 'MWh', [['2024-01-01', 5], ['2024-02-01', '6.163']])] }),
        premise('kwh', 20, [], { heatMeters: [heatMeter('h3', 'kWh', [['2024-01-01', 0], ['2024-02-01', 1163]])] }),
        premise('a', 40, [good('x', 1, 100)]),
      ];
      const r = run(building(p));
      expect(methods(r)).to.deep.equal({ gj: 'heat-meter', mwh: 'heat-meter', kwh: 'heat-meter', a: 'allocators' });
      expect(gcal(r)).to.deep.equal({ gj: '1.0000', mwh: '1.0000', kwh: '1.0000', a: '7.0000' });
    });

    it('falls through to area when a heat meter did not report, or the premise has allocators taking part', () => {
      const broken = premise('b', 30, [], { heatMeters: [heatMeter('h', 'Gcal', [['2024-01-01', 1]])] });
      const mixed = premise('m', 30, [silent('s', 1)], { heatMeters: [heatMeter('h2', 'Gcal', [['2024-01-01', 1], ['2024-02-01', 2]])] });
      const r = run(building([broken, mixed, premise('a', 60, [good('x', 1, 10)])], { options: { majority: false } }));
      expect(methods(r)).to.deep.equal({ b: 'area-average', m: 'area-average', a: 'allocators' });
    });

    it('converts a building meter in GJ', () => {
      const r = run(building([premise('1', 10, [good('a', 1, 1)])], { buildingMeter: { unit: 'GJ', readings: [{ date: '2024-01-01', value: 0 }, { date: '2024-02-01', value: '41.868' }] } }));
      expect(r.heatGcal).to.equal('10.0000');
    });
  });

  describe('allocate() norms', () => {
    const byNorm = (period: { from: string; to: string }, norms: unknown[]) => {
      const end = new Date(`${period.to}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 1);
      const x = allocator('x', 1, [[period.from, 0], [end.toISOString().slice(0, 10), 10]]);
      return run(building([premise('n', 100), premise('a', 100, [x])], { period, norms, options: { byNorm: true, manualHeatGcal: 100 } }));
    };

    it('uses f = 23/31 for 06.12–28.12 (a partial month)', () => {
      const r = byNorm({ from: '2017-12-06', to: '2017-12-28' }, [{ kind: 'residential', from: '2017-01-01', value: '0.031' }]);
      // 100 × 0.031 × 23/31 = 2.3
      expect(r.premises[0]).to.include({ method: 'area-norm', gcal: '2.3000' });
    });

    it('uses f = 2 for two whole months', () => {
      const r = byNorm({ from: '2024-01-01', to: '2024-02-29' }, [{ kind: 'residential', from: '2017-01-01', value: '0.02' }]);
      expect(r.premises[0].gcal).to.equal('4.0000');
      expect(r.monthFactor).to.equal('2.0000000000');
    });

    it('uses the norm in force on d1, else the earliest starting inside the period', () => {
      const norms = [
        { kind: 'residential', from: '2018-01-10', value: '0.016' },
        { kind: 'residential', from: '2018-04-12', value: '0.017' },
      ];
      expect(byNorm({ from: '2018-01-10', to: '2018-04-11' }, norms).premises[0].norm).to.deep.equal({ value: '0.016', from: '2018-01-10' });
      expect(byNorm({ from: '2018-04-12', to: '2018-04-30' }, norms).premises[0].norm).to.deep.equal({ value: '0.017', from: '2018-04-12' });
      expect(byNorm({ from: '2018-01-01', to: '2018-01-31' }, norms).premises[0].norm).to.deep.equal({ value: '0.016', from: '2018-01-10' });
    });
  });

  describe('allocate() rounding', () => {
    it('gives the extra 0.0001 to the largest remainders, the earlier premise on a tie', () => {
      // 1 Gcal over three equal premises: 0.3333… each; one gets 0.3334 — the first.
      const r = run(building([premise('1', 10, [good('a', 1, 10)]), premise('2', 10, [good('b', 1, 10)]), premise('3', 10, [good('c', 1, 10)])], { options: { manualHeatGcal: 1 } }));
      expect(gcal(r)).to.deep.equal({ '1': '0.3334', '2': '0.3333', '3': '0.3333' });
      // 2 Gcal: 0.6666… each; two get 0.6667 — the first two.
      const r2 = run(building([premise('1', 10, [good('a', 1, 10)]), premise('2', 10, [good('b', 1, 10)]), premise('3', 10, [good('c', 1, 10)])], { options: { manualHeatGcal: 2 } }));
      expect(gcal(r2)).to.deep.equal({ '1': '0.6667', '2': '0.6667', '3': '0.6666' });
    });

    it('rounds Q half-up to 4 decimals', () => {
      const r = run(building([premise('1', 10, [good('a', 1, 10)])], { options: { manualHeatGcal: '1.00005' } }));
      expect(r.heatGcal).to.equal('1.0001');
      expect(r.premises[0].gcal).to.equal('1.0001');
    });
  });

  describe('allocate() schema', () => {
    it('accepts empty lists', () => {
      expect(run(building([], { norms: [], buildingMeter: { unit: 'Gcal', readings: [] }, options: { manualHeatGcal: 1 } })).error.code).to.equal('ZERO_UNITS');
    });

    it('names the field of a mistyped or missing value', () => {
      const bad = building([premise('1', 10, [{ ...good('a', 1, 10), coefficient: 'one' }])]);
      expect(() => allocate(bad)).to.throw(AllocationInputError, 'premises[0].allocators[0].coefficient');
      try {
        allocate({ ...building([]), period: { from: '2024-01-01' } });
      } catch (err) {
        expect((err as AllocationInputError).field).to.equal('period.to');
      }
      expect(() => allocate({ ...building([]), buildingMeter: { unit: 'BTU', readings: [] } })).to.throw(AllocationInputError, 'buildingMeter.unit');
      expect(() => allocate(building([premise('1', 10, [allocator('a', 1, [['2024-13-01', 1]])])]))).to.throw(AllocationInputError, 'premises[0].allocators[0].readings[0].date');
    });

    it('keeps decimal strings exact (no binary floats)', () => {
      const r = run(building([premise('1', '0.1', [good('a', '0.1', '0.2')]), premise('2', '0.2', [good('b', '0.2', '0.1')])], { options: { manualHeatGcal: '0.3' } }));
      expect(r.totalArea).to.equal('0.3');
      expect(r.premises.map((p: any) => p.units)).to.deep.equal(['0.0200', '0.0200']);
      expect(gcal(r)).to.deep.equal({ '1': '0.1500', '2': '0.1500' });
    });
  });
});
