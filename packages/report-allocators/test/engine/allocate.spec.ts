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

  describe('allocate() precedence', () => {
    it('lets NON_POSITIVE_HEAT (step 2) win over COVERAGE_BELOW_HALF (step 7)', () => {
      expect(code(building([premise('1', 10, [good('a', 1, 10)]), premise('2', 90)], { options: { manualHeatGcal: '-1' } }))).to.equal('NON_POSITIVE_HEAT');
    });

    it('lets COVERAGE_BELOW_HALF (step 7) win over NO_NORM (step 8)', () => {
      expect(code(building([premise('1', 40, [good('a', 1, 10)]), premise('2', 60)], { norms: [], options: { byNorm: true } }))).to.equal('COVERAGE_BELOW_HALF');
    });

    it('lets NO_NORM (step 8) win over NEGATIVE_REMAINDER (step 9), also for a later premise', () => {
      // The residential norm alone takes 20 × 0.5 = 10 Gcal of Q = 1; the shop has no norm.
      const p = [premise('1', 60, [good('a', 1, 10)]), premise('2', 20), premise('3', 20, [], { kind: 'non-residential' })];
      const norms = [{ kind: 'residential', from: '2020-01-01', value: '0.5' }];
      expect(code(building(p, { norms, options: { byNorm: true, manualHeatGcal: 1 } }))).to.equal('NO_NORM');
      expect(code(building(p.slice(0, 2), { norms, options: { byNorm: true, manualHeatGcal: 1 } }))).to.equal('NEGATIVE_REMAINDER');
    });

    it('checks NEGATIVE_REMAINDER before ZERO_UNITS: the allocators counted nothing and the norms took more than Q', () => {
      const p = [premise('1', 60, [good('a', 1, 0)]), premise('2', 40, [], { kind: 'non-residential' })];
      // Q_alloc = 1 − 40 × 0.03 = −0.2 and ΣR = 0.
      expect(code(building(p, { options: { byNorm: true, manualHeatGcal: 1 } }))).to.equal('NEGATIVE_REMAINDER');
    });
  });

  describe('allocate() exactness', () => {
    it('decides Q_alloc = 0 exactly: a whole-month norm is exactly 1 month, so ΣR = 0 gives 0, not ZERO_UNITS', () => {
      // Q = 1; the heat meter counted 0; 40 m² × 0.025 × f(January) = 1 exactly; nothing is left.
      const p = [
        premise('A', 50, [], { heatMeters: [heatMeter('h', 'Gcal', [['2024-01-01', 0], ['2024-02-01', 0]])] }),
        premise('B', 40),
        premise('C', 10, [good('c', 1, 0)]),
      ];
      const r = run(building(p, { norms: [{ kind: 'residential', from: '2020-01-01', value: '0.025' }], options: { byNorm: true, majority: false, manualHeatGcal: '1' } }));
      expect(r.ok, JSON.stringify(r.error)).to.equal(true);
      expect(gcal(r)).to.deep.equal({ A: '0.0000', B: '1.0000', C: '0.0000' });
      expect(r).to.include({ allocatedGcal: '0.0000', totalUnits: '0.0000', gcalPerUnit: null, monthFactor: '1.0000000000' });
    });

    it('sees two equal remainders of different premises as a tie and gives the 0.0001 to the earlier one', () => {
      // f = 3/29 (26.02–28.02.2024). 143.4 × 0.0185 × 3/29 = 7.9587/29 = 0.274437…, 73.8 × 0.0185 × 3/29 = 4.0959/29 = 0.141237…:
      // both remainders are exactly 0.0011/29 = 0.0000379…; the allocator premise gets 10 − 12.0546/29 = 9.584324… (remainder 0.0000241…).
      const x = allocator('x', 1, [['2024-02-26', 0], ['2024-02-29', 10]]);
      const over = { period: { from: '2024-02-26', to: '2024-02-28' }, norms: [{ kind: 'residential', from: '2020-01-01', value: '0.0185' }], options: { byNorm: true, manualHeatGcal: 10 } };
      const r = run(building([premise('P1', '143.4'), premise('P2', '73.8'), premise('P3', 300, [x])], over));
      expect(gcal(r)).to.deep.equal({ P1: '0.2745', P2: '0.1412', P3: '9.5843' });
      expect(r.monthFactor).to.equal('0.1034482759');
      const swapped = run(building([premise('P2', '73.8'), premise('P1', '143.4'), premise('P3', 300, [x])], over));
      expect(gcal(swapped)).to.deep.equal({ P2: '0.1413', P1: '0.2744', P3: '9.5843' });
    });

    it('rounds Q from a meter in MWh once: 1 MWh = 0.859845… Gcal', () => {
      const r = run(building([premise('1', 10, [good('a', 1, 1)])], { buildingMeter: { unit: 'MWh', readings: [{ date: '2024-01-01', value: '7' }, { date: '2024-02-01', value: '8' }] } }));
      expect(r).to.include({ heatGcal: '0.8598', heatGcalExact: '0.8598452279' });
      expect(r.premises[0].gcal).to.equal('0.8598');
    });

    it('takes exponent strings and JSON numbers as the decimals they write', () => {
      const r = run(building([premise('1', '6e1', [good('a', '1.25E0', '8')]), premise('2', 40.0)], { options: { manualHeatGcal: '1e1' } }));
      expect(r).to.include({ heatGcal: '10.0000', totalArea: '100' });
      expect(gcal(r)).to.deep.equal({ '1': '6.0000', '2': '4.0000' });
      expect(r.premises[0].units).to.equal('10.0000');
    });
  });

  describe('allocate() building meter', () => {
    it('converts MWh and kWh readings of the days d1 and d2 + 1 (the first reading of a day)', () => {
      const p = [premise('1', 10, [good('a', 1, 1)])];
      const mwh = { unit: 'MWh', readings: [{ date: '2024-01-01', value: '100' }, { date: '2024-01-01', value: '99' }, { date: '2024-02-01', value: '111.63' }] };
      expect(run(building(p, { buildingMeter: mwh })).heatGcal).to.equal('10.0000');
      const kwh = { unit: 'kWh', readings: [{ date: '2024-01-15', value: '5' }, { date: '2024-02-01', value: '11630' }, { date: '2024-01-01', value: '0' }] };
      const r = run(building(p, { buildingMeter: kwh }));
      expect(r.heatGcal).to.equal('10.0000');
      expect(r.buildingMeter).to.deep.equal({ unit: 'kWh', startDate: '2024-01-01', endDate: '2024-02-01', startValue: '0', endValue: '11630' });
    });

    it('prefers the hand-entered heat to the meter and does not echo the meter then', () => {
      const r = run(building([premise('1', 10, [good('a', 1, 1)])], { options: { manualHeatGcal: '3.14159' } }));
      expect(r).to.include({ heatSource: 'manual', heatGcal: '3.1416' });
      expect(r.buildingMeter).to.equal(undefined);
      expect(r.options).to.deep.equal({ byNorm: false, majority: true, manualHeatGcal: '3.14159' });
    });
  });

  describe('allocate() heat meters replaced', () => {
    it('adds the deltas of a heat meter replaced mid-period (in Gcal) and converts GJ exactly once', () => {
      const old = heatMeter('h-old', 'Gcal', [['2024-01-01', 5], ['2024-01-11', 6]], { removed: '2024-01-11' });
      const fresh = heatMeter('h-new', 'Gcal', [['2024-01-11', 0], ['2024-02-01', 2]], { installed: '2024-01-11' });
      const gone = heatMeter('h-gone', 'GJ', [], { removed: '2023-12-01' });
      const r = run(building([premise('h', 30, [], { heatMeters: [old, fresh, gone] }), premise('a', 70, [good('x', 1, 10)])]));
      expect(r.premises[0]).to.include({ method: 'heat-meter', gcal: '3.0000' });
      expect(r.premises[0].heatMeters.map((m: any) => m.status)).to.deep.equal(['reported', 'reported', 'not-in-period']);
      expect(gcal(r)).to.deep.equal({ h: '3.0000', a: '7.0000' });
      // 1 GJ = 0.2388458966… Gcal.
      const gj = run(building([premise('h', 30, [], { heatMeters: [heatMeter('g', 'GJ', [['2024-01-01', 0], ['2024-02-01', 1]])] }), premise('a', 70, [good('x', 1, 10)])]));
      expect(gcal(gj)).to.deep.equal({ h: '0.2388', a: '9.7612' });
    });

    it('falls to area when a heat meter has an error in its window', () => {
      const broken = heatMeter('h', 'Gcal', [['2024-01-01', 0], ['2024-02-01', 2]], { errors: [{ date: '2024-01-15', code: 'E4' }] });
      const r = run(building([premise('h', 30, [], { heatMeters: [broken] }), premise('a', 70, [good('x', 1, 10)])]));
      expect(r.premises[0]).to.include({ method: 'area-average', gcal: '3.0000' });
      expect(r.premises[0].heatMeters[0]).to.include({ status: 'error', errorCode: 'E4', reported: false });
    });
  });

  describe('allocate() units', () => {
    it('estimates with the coefficient-weighted average, once per premise: R = Σr × Σk_all / Σk_working', () => {
      // r = 10 × 0.3 = 3 and 5 × 0.6 = 3; the missing one (k = 1) gets 1 × 6 / 0.9 = 6.666…; R = 12.666… → 12.6667.
      const r = run(building([premise('1', 60, [good('a', '0.3', 10), good('b', '0.6', 5), silent('c', 1)]), premise('2', 40)]));
      expect(r.premises[0]).to.include({ units: '12.6667', estimated: 1, gcal: '6.0000' });
      expect(r.premises[0].allocators[2]).to.include({ estimated: true, status: 'no-end-reading', reported: false });
      // 60 significant digits, half-even: 6.666…667.
      expect(r.premises[0].allocators[2].reducedUnits).to.equal(`6.${'6'.repeat(58)}7`);
    });

    it('keeps ΣR and Q_alloc for the explanation (B1)', () => {
      const r = run(building([premise('1', 60, [good('a', 1.2, 10), good('b', 0.8, 20), silent('c', 1.5)]), premise('2', 40)]));
      expect(r).to.deep.include({
        heatGcal: '10.0000',
        heatGcalExact: '10.0000000000',
        heatSource: 'building-meter',
        coveredArea: '60',
        totalArea: '100',
        coveragePercent: '60.00',
        allocatedGcal: '6.0000',
        totalUnits: '49.0000',
        gcalPerUnit: '0.1224489796',
        monthFactor: '1.0000000000',
        averageGcalPerM2: '0.1000000000',
        normsUsed: {},
        period: { from: '2024-01-01', to: '2024-01-31', end: '2024-02-01' },
        buildingMeter: { unit: 'Gcal', startDate: '2024-01-01', endDate: '2024-02-01', startValue: '100', endValue: '110' },
      });
      expect(r.premises[0]).to.deep.include({ kind: 'residential', area: '60', allocatorsTotal: 3, allocatorsReported: 2, gcalExact: '6.0000000000', gcalPerM2: '0.1000' });
      expect(r.premises[0].allocators[0]).to.deep.equal({
        serial: 'a',
        coefficient: '1.2',
        start: '2024-01-01',
        stop: '2024-02-01',
        startValue: '1000',
        endValue: '1010',
        delta: '10',
        reducedUnits: '12',
        status: 'reported',
        inPeriod: true,
        reported: true,
        estimated: false,
      });
      expect(r.premises[1]).to.not.have.any.keys('units', 'estimated', 'norm');
    });
  });

  describe('allocate() schema messages', () => {
    const fails = (mutate: (x: any) => void) => {
      const x: any = building([premise('1', 10, [good('a', 1, 10)])]);
      mutate(x);
      try {
        allocate(x);
      } catch (err) {
        expect(err).to.be.instanceOf(AllocationInputError);
        return { message: (err as AllocationInputError).message, field: (err as AllocationInputError).field };
      }
      throw new Error('no schema failure');
    };

    it('names the field path in the message: "premises[0].allocators[0].coefficient must be a number"', () => {
      expect(fails((x) => (x.premises[0].allocators[0].coefficient = 'one'))).to.deep.equal({
        message: 'premises[0].allocators[0].coefficient must be a number',
        field: 'premises[0].allocators[0].coefficient',
      });
      expect(fails((x) => (x.premises[0].allocators[0].coefficient = true)).message).to.equal('premises[0].allocators[0].coefficient must be a number');
      expect(fails((x) => (x.premises[0].area = '12,5')).message).to.equal('premises[0].area must be a number');
      expect(fails((x) => delete x.period.to)).to.deep.equal({ message: 'period.to is required', field: 'period.to' });
      expect(fails((x) => (x.period.from = 20240101)).message).to.equal('period.from must be a date YYYY-MM-DD');
      expect(fails((x) => (x.premises[0].kind = 'office')).field).to.equal('premises[0].kind');
      expect(fails((x) => delete x.premises[0].allocators[0].readings).message).to.equal('premises[0].allocators[0].readings is required');
      expect(fails((x) => (x.premises[0].allocators[0].errors = [{ date: '2024-01-05' }])).field).to.equal('premises[0].allocators[0].errors[0].code');
      expect(fails((x) => (x.options.majority = 'yes')).message).to.equal('options.majority must be a boolean');
    });

    it('lets rule violations through to the calculation (a reversed period, a missing norm, negative heat)', () => {
      expect(code(building([premise('1', 10, [good('a', 1, 10)])], { period: { from: '2024-02-01', to: '2024-01-01' } }))).to.equal('INVALID_PERIOD');
      expect(code(building([premise('1', 10, [good('a', 1, 10)])], { options: { manualHeatGcal: '-5' } }))).to.equal('NON_POSITIVE_HEAT');
    });

    it('accepts a numeric premise id (as text) and unknown extra fields', () => {
      const r = run({ ...building([{ ...premise('x', 10, [good('a', 1, 10)]), id: 17, note: 'угловая' }]), source: 'test' });
      expect(r.premises[0].id).to.equal('17');
    });
  });
});
