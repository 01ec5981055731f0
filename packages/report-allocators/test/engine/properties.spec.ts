import { expect } from 'chai';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { allocate } from '../../src/engine/index.js';
import { referenceAllocate } from './reference.js';

const UNITS = ['Gcal', 'GJ', 'MWh', 'kWh'] as const;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** A decimal string with `places` decimals from an integer (no float on the way). */
const scaled = (min: number, max: number, places: number) => fc.integer({ min, max }).map((x) => new Decimal(x).div(10 ** places).toFixed(places));

const arbMeter = fc.record({
  start: fc.integer({ min: 0, max: 100_000 }),
  delta: fc.integer({ min: -3, max: 400 }),
  // What can go wrong, and a window cut by installation or removal inside the period.
  trouble: fc.oneof(
    { weight: 12, arbitrary: fc.constant('none') },
    { weight: 1, arbitrary: fc.constantFrom('no-end', 'no-start', 'error', 'error-on-stop') },
  ),
  installedAt: fc.option(fc.integer({ min: -40, max: 80 }), { freq: 6, nil: undefined }),
  removedAt: fc.option(fc.integer({ min: -40, max: 80 }), { freq: 6, nil: undefined }),
});

const arbAllocator = fc.record({ coefficient: scaled(5, 300, 2), m: arbMeter });

/** Random buildings: any period, heat by hand or from a meter in any unit, every kind of premise. */
const arbBuilding = fc
  .record({
    from: fc.integer({ min: 0, max: 420 }),
    length: fc.oneof(fc.integer({ min: 0, max: 75 }), fc.constant(30)),
    manual: fc.option(scaled(-100, 5_000_000, 3), { freq: 2, nil: null }),
    meter: fc.record({ unit: fc.constantFrom(...UNITS), delta: scaled(1, 100_000_000, 3), missing: fc.integer({ min: 0, max: 9 }).map((x) => x === 0) }),
    byNorm: fc.boolean(),
    majority: fc.boolean(),
    norms: fc.array(fc.record({ kind: fc.constantFrom('residential', 'non-residential'), from: fc.integer({ min: -400, max: 80 }), value: scaled(1, 400, 4) }), { maxLength: 4 }),
    premises: fc.array(
      fc.record({
        area: scaled(1, 20_000, 1),
        kind: fc.constantFrom('residential', 'non-residential'),
        allocators: fc.oneof(
          { weight: 3, arbitrary: fc.array(arbAllocator, { minLength: 1, maxLength: 5 }) },
          { weight: 1, arbitrary: fc.array(arbAllocator, { maxLength: 0 }) },
        ),
        heatMeters: fc.array(fc.record({ unit: fc.constantFrom(...UNITS), m: arbMeter }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 20 },
    ),
  })
  .map((b) => {
    const d1 = addDays('2023-11-01', b.from);
    const d2 = addDays(d1, b.length);
    const end = addDays(d2, 1);
    const meter = (serial: string, m: typeof b.premises[number]['allocators'][number]['m']) => {
      const installed = m.installedAt === undefined ? undefined : addDays(d1, m.installedAt);
      const removed = m.removedAt === undefined ? undefined : addDays(d1, m.removedAt);
      const start = installed && installed > d1 ? installed : d1;
      const stop = removed && removed < end ? removed : end;
      const readings = [
        ...(m.trouble === 'no-start' ? [] : [{ date: start, value: m.start }]),
        ...(m.trouble === 'no-end' ? [] : [{ date: stop, value: m.start + m.delta }]),
      ];
      const errors = m.trouble === 'error' ? [{ date: start, code: 'E1' }] : m.trouble === 'error-on-stop' ? [{ date: stop, code: 'E2' }] : [];
      return { serial, readings, errors, ...(installed ? { installed } : {}), ...(removed ? { removed } : {}) };
    };
    return {
      building: 'Случайный дом',
      period: { from: d1, to: d2 },
      options: { byNorm: b.byNorm, majority: b.majority, manualHeatGcal: b.manual },
      buildingMeter: {
        unit: b.meter.unit,
        readings: b.meter.missing ? [] : [{ date: d1, value: '1000.5' }, { date: end, value: new Decimal('1000.5').plus(b.meter.delta).toString() }],
      },
      norms: b.norms.map((n) => ({ kind: n.kind, from: addDays(d1, n.from), value: n.value })),
      premises: b.premises.map((p, i) => ({
        id: `P${i}`,
        kind: p.kind,
        area: p.area,
        allocators: p.allocators.map((a, j) => ({ ...meter(`A${i}-${j}`, a.m), coefficient: a.coefficient })),
        heatMeters: p.heatMeters.map((h, j) => ({ ...meter(`H${i}-${j}`, h.m), unit: h.unit })),
      })),
    };
  });

const sumOf = (r: any) => r.premises.reduce((s: Decimal, p: any) => s.plus(p.gcal), new Decimal(0));

describe('engine/allocate (properties)', () => {
  describe('allocate()', () => {
    it('agrees with an exact rational reading of the spec on random buildings', () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(arbBuilding, (input) => {
          const got = allocate(input) as any;
          const want = referenceAllocate(input);
          seen.add(got.ok ? 'ok' : got.error.code);
          expect(got.ok).to.equal(want.ok);
          if (!want.ok) {
            expect(got.error.code).to.equal(want.code);
            return;
          }
          expect(got.heatGcal).to.equal(want.heatGcal);
          const checked = got.premises.map((p: any) => ({ id: p.id, method: p.method, gcal: p.gcal, ...(p.units !== undefined ? { units: p.units, estimated: p.estimated } : {}) }));
          expect(checked).to.deep.equal(want.premises);
        }),
        { numRuns: 400, seed: 20261124 },
      );
      // The generator reaches results and most error codes.
      expect([...seen]).to.include.members(['ok', 'COVERAGE_BELOW_HALF', 'NEGATIVE_REMAINDER', 'NON_POSITIVE_HEAT', 'NO_BUILDING_METER_READINGS']);
    });

    it('gives premise values that sum exactly to the rounded building heat and are never negative', () => {
      let computed = 0;
      fc.assert(
        fc.property(arbBuilding, (input) => {
          const r = allocate(input) as any;
          if (!r.ok) return;
          computed++;
          expect(sumOf(r).toFixed(4)).to.equal(r.heatGcal);
          for (const p of r.premises) expect(new Decimal(p.gcal).gte(0), `${p.id} ${p.gcal}`).to.equal(true);
        }),
        { numRuns: 400, seed: 42 },
      );
      expect(computed).to.be.greaterThan(40);
    });

    it('does not change when every allocator coefficient is multiplied by the same positive constant', () => {
      fc.assert(
        fc.property(arbBuilding, fc.constantFrom('2', '0.5', '3.7', '10', '0.03'), (input, c) => {
          const scaledInput = {
            ...input,
            premises: input.premises.map((p) => ({ ...p, allocators: p.allocators.map((a) => ({ ...a, coefficient: new Decimal(a.coefficient).times(c).toString() })) })),
          };
          const a = allocate(input) as any;
          const b = allocate(scaledInput) as any;
          expect(b.ok).to.equal(a.ok);
          if (!a.ok) {
            expect(b.error.code).to.equal(a.error.code);
            return;
          }
          expect(b.heatGcal).to.equal(a.heatGcal);
          expect(b.premises.map((p: any) => [p.method, p.gcal, p.estimated])).to.deep.equal(a.premises.map((p: any) => [p.method, p.gcal, p.estimated]));
        }),
        { numRuns: 300, seed: 7 },
      );
    });
  });
});
