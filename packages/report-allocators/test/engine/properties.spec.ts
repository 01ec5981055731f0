import { expect } from 'chai';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { allocate } from '../../src/engine/index.js';

/** Random January buildings: allocators (some silent), heat meters, area premises, either mode. */
const arbBuilding = fc
  .record({
    premises: fc.array(
      fc.record({
        area: fc.integer({ min: 1, max: 20000 }).map((x) => (x / 100).toFixed(2)),
        kind: fc.constantFrom('residential', 'non-residential'),
        allocators: fc.array(
          fc.record({
            coefficient: fc.integer({ min: 10, max: 300 }).map((x) => (x / 100).toFixed(2)),
            start: fc.integer({ min: 0, max: 100000 }),
            delta: fc.integer({ min: 0, max: 5000 }),
            silent: fc.boolean(),
          }),
          { maxLength: 6 },
        ),
        heatDelta: fc.option(fc.integer({ min: 1, max: 10000 }).map((x) => (x / 1000).toFixed(3)), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 25 },
    ),
    heat: fc.integer({ min: 1, max: 10_000_000 }).map((x) => (x / 1000).toFixed(3)),
    byNorm: fc.boolean(),
    majority: fc.boolean(),
  })
  .map((b) => ({
    building: 'Случайный дом',
    period: { from: '2024-01-01', to: '2024-01-31' },
    options: { byNorm: b.byNorm, majority: b.majority, manualHeatGcal: b.heat },
    buildingMeter: { unit: 'Gcal', readings: [] },
    norms: [
      { kind: 'residential', from: '2020-01-01', value: '0.0001' },
      { kind: 'non-residential', from: '2020-01-01', value: '0.0002' },
    ],
    premises: b.premises.map((p, i) => ({
      id: `P${i}`,
      kind: p.kind,
      area: p.area,
      allocators: p.allocators.map((a, j) => ({
        serial: `S${i}-${j}`,
        coefficient: a.coefficient,
        readings: [{ date: '2024-01-01', value: a.start }, ...(a.silent ? [] : [{ date: '2024-02-01', value: a.start + a.delta }])],
      })),
      ...(p.heatDelta && !p.allocators.length
        ? { heatMeters: [{ serial: `H${i}`, unit: 'Gcal', readings: [{ date: '2024-01-01', value: '1' }, { date: '2024-02-01', value: new Decimal(1).plus(p.heatDelta).toString() }] }] }
        : {}),
    })),
  }));

describe('engine/allocate (properties)', () => {
  it('premise values sum exactly to the rounded building heat and are never negative', () => {
    let computed = 0;
    fc.assert(
      fc.property(arbBuilding, (input) => {
        const r = allocate(input) as any;
        if (!r.ok) return true;
        computed++;
        const sum = r.premises.reduce((s: Decimal, p: any) => s.plus(p.gcal), new Decimal(0));
        expect(sum.toFixed(4)).to.equal(r.heatGcal);
        for (const p of r.premises) expect(new Decimal(p.gcal).gte(0), `${p.id} ${p.gcal}`).to.equal(true);
        return true;
      }),
      { numRuns: 400, seed: 20261124 },
    );
    expect(computed).to.be.greaterThan(50);
  });

  it('does not change when every allocator coefficient is multiplied by the same constant', () => {
    fc.assert(
      fc.property(arbBuilding, fc.constantFrom('2', '0.5', '3.7', '10'), (input, c) => {
        const scaled = {
          ...input,
          premises: input.premises.map((p) => ({ ...p, allocators: p.allocators.map((a) => ({ ...a, coefficient: new Decimal(a.coefficient).times(c).toString() })) })),
        };
        const a = allocate(input) as any;
        const b = allocate(scaled) as any;
        expect(b.ok).to.equal(a.ok);
        if (!a.ok) expect(b.error.code).to.equal(a.error.code);
        else expect(b.premises.map((p: any) => [p.method, p.gcal])).to.deep.equal(a.premises.map((p: any) => [p.method, p.gcal]));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
