/**
 * An independent reading of spec/ALLOCATION.md for the property tests, in exact rational
 * arithmetic (BigInt fractions, no rounding at all before the end) and written straight
 * from the spec's words, sharing no code with the engine. Slow and simple on purpose.
 */
type Frac = { n: bigint; d: bigint };

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}
function frac(n: bigint, d = 1n): Frac {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}
const add = (a: Frac, b: Frac) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Frac, b: Frac) => frac(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Frac, b: Frac) => frac(a.n * b.n, a.d * b.d);
const div = (a: Frac, b: Frac) => frac(a.n * b.d, a.d * b.n);
const cmp = (a: Frac, b: Frac) => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
const ZERO = frac(0n);
const sum = (xs: Frac[]) => xs.reduce(add, ZERO);

/** A JSON number or decimal string, read as the exact decimal it writes. */
function parseDecimal(x: number | string): Frac {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(String(x).trim());
  if (!m) throw new Error(`not a decimal: ${x}`);
  const digits = BigInt(`${m[2] || '0'}${m[3] ?? ''}`);
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const n = m[1] === '-' ? -digits : digits;
  return exp >= 0 ? frac(n * 10n ** BigInt(exp)) : frac(n, 10n ** BigInt(-exp));
}

const UNITS: Record<string, Frac> = { Gcal: frac(1n), GJ: parseDecimal('4.1868'), MWh: parseDecimal('1.163'), kWh: frac(1163n) };

// Days with the platform's UTC calendar: independent of the engine's integer day numbers.
const nextDay = (day: string, n = 1) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthLength = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();

/** floor(x × 10⁴) as an integer count of 0.0001. */
function floor4(x: Frac): bigint {
  const t = x.n * 10_000n;
  const q = t / x.d;
  return t % x.d !== 0n && t < 0n ? q - 1n : q;
}
/** x rounded half-up to 4 decimals, in 0.0001. */
const halfUp4 = (x: Frac) => floor4(add(x, frac(1n, 20_000n)));
const fixed4 = (units: bigint) => {
  const s = abs(units).toString().padStart(5, '0');
  return `${units < 0n ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
};

export interface ReferenceResult {
  ok: boolean;
  code?: string;
  heatGcal?: string;
  premises?: Array<{ id: string; method: string; gcal: string; units?: string; estimated?: number }>;
}

/** The spec, step by step. */
export function referenceAllocate(input: any): ReferenceResult {
  const fail = (code: string): ReferenceResult => ({ ok: false, code });
  // 1. Days.
  const d1: string = input.period.from;
  const d2: string = input.period.to;
  if (d2 < d1) return fail('INVALID_PERIOD');
  const end = nextDay(d2);
  const readingOf = (readings: any[], day: string) => {
    const r = readings.find((x) => x.date === day);
    return r === undefined ? null : parseDecimal(r.value);
  };
  // 2. Building heat.
  let Q: Frac;
  if (input.options.manualHeatGcal !== null && input.options.manualHeatGcal !== undefined) Q = parseDecimal(input.options.manualHeatGcal);
  else {
    const a = readingOf(input.buildingMeter.readings, d1);
    const b = readingOf(input.buildingMeter.readings, end);
    if (!a || !b) return fail('NO_BUILDING_METER_READINGS');
    Q = div(sub(b, a), UNITS[input.buildingMeter.unit]!);
  }
  if (cmp(Q, ZERO) <= 0) return fail('NON_POSITIVE_HEAT');
  // 3. Meter windows.
  const window = (m: any) => {
    const start = m.installed && m.installed > d1 ? m.installed : d1;
    const stop = m.removed && m.removed < end ? m.removed : end;
    if (start >= stop) return { taking: false, delta: null as Frac | null };
    const a = readingOf(m.readings, start);
    const b = readingOf(m.readings, stop);
    const error = (m.errors ?? []).some((e: any) => start <= e.date && e.date < stop);
    const reported = a !== null && b !== null && cmp(b, a) >= 0 && !error;
    return { taking: true, delta: reported ? sub(b!, a!) : null };
  };
  const premises = input.premises.map((p: any) => {
    const allocators = p.allocators.map((a: any) => ({ c: parseDecimal(a.coefficient), ...window(a) })).filter((a: any) => a.taking);
    const heatMeters = (p.heatMeters ?? []).map((h: any) => ({ unit: h.unit, ...window(h) })).filter((h: any) => h.taking);
    const n = allocators.length;
    const k = allocators.filter((a: any) => a.delta).length;
    let method: string;
    let value = ZERO;
    // 4. Heat-meter premises.
    if (n === 0 && heatMeters.length > 0 && heatMeters.every((h: any) => h.delta)) {
      method = 'heat-meter';
      value = sum(heatMeters.map((h: any) => div(h.delta, UNITS[h.unit]!)));
    } else if ((k === n && n > 0) || (input.options.majority && 2 * k > n)) method = 'allocators'; // 5.
    else method = input.options.byNorm ? 'area-norm' : 'area-average';
    // 6. Units.
    let R = ZERO;
    let estimated = 0;
    if (method === 'allocators') {
      const working = allocators.filter((a: any) => a.delta);
      const sumR = sum(working.map((a: any) => mul(a.delta, a.c)));
      const sumC = sum(working.map((a: any) => a.c));
      R = sumR;
      for (const a of allocators.filter((x: any) => !x.delta)) {
        R = add(R, mul(a.c, div(sumR, sumC)));
        estimated++;
      }
    }
    return { id: String(p.id), kind: p.kind, area: parseDecimal(p.area), method, value, R, estimated };
  });
  // 7. Coverage.
  const sTot = sum(premises.map((p: any) => p.area));
  const sCov = sum(premises.filter((p: any) => p.method === 'allocators' || p.method === 'heat-meter').map((p: any) => p.area));
  if (cmp(mul(frac(2n), sCov), sTot) < 0) return fail('COVERAGE_BELOW_HALF');
  // 8. Area premises.
  let f = ZERO;
  for (let day = d1; day <= d2; day = nextDay(day)) f = add(f, frac(1n, BigInt(monthLength(day))));
  for (const p of premises) {
    if (p.method === 'area-average') p.value = div(mul(p.area, Q), sTot);
    if (p.method === 'area-norm') {
      const ofKind = input.norms.filter((x: any) => x.kind === p.kind);
      const before = ofKind.filter((x: any) => x.from <= d1).sort((a: any, b: any) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0))[0];
      const inside = ofKind.filter((x: any) => d1 < x.from && x.from <= d2).sort((a: any, b: any) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))[0];
      const norm = before ?? inside;
      if (!norm) return fail('NO_NORM');
      p.value = mul(mul(p.area, parseDecimal(norm.value)), f);
    }
  }
  // 9. Allocator premises.
  const qAlloc = sub(Q, sum(premises.filter((p: any) => p.method !== 'allocators').map((p: any) => p.value)));
  if (cmp(qAlloc, ZERO) < 0) return fail('NEGATIVE_REMAINDER');
  const sumR = sum(premises.filter((p: any) => p.method === 'allocators').map((p: any) => p.R));
  if (cmp(sumR, ZERO) === 0 && cmp(qAlloc, ZERO) > 0) return fail('ZERO_UNITS');
  for (const p of premises) if (p.method === 'allocators') p.value = cmp(sumR, ZERO) === 0 ? ZERO : div(mul(qAlloc, p.R), sumR);
  // Rounding.
  const target = halfUp4(Q);
  const floors = premises.map((p: any) => floor4(p.value));
  let k = Number(target - floors.reduce((s: bigint, x: bigint) => s + x, 0n));
  const order = premises
    .map((p: any, i: number) => ({ i, rest: sub(p.value, frac(floors[i]!, 10_000n)) }))
    .sort((a: any, b: any) => cmp(b.rest, a.rest) || a.i - b.i);
  for (const { i } of order) if (k-- > 0) floors[i] = floors[i]! + 1n;
  return {
    ok: true,
    heatGcal: fixed4(target),
    premises: premises.map((p: any, i: number) => ({
      id: p.id,
      method: p.method,
      gcal: fixed4(floors[i]!),
      ...(p.method === 'allocators' ? { units: fixed4(halfUp4(p.R)), estimated: p.estimated } : {}),
    })),
  };
}
