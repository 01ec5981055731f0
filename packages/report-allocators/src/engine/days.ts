/** Calendar days as ISO strings `YYYY-MM-DD`; no clock, no time zone. */
export type Day = string;

export function isValidDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(day: Day, n: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysInMonth(day: Day): number {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function maxDay(a: Day, b: Day | undefined | null): Day {
  return b && b > a ? b : a;
}

export function minDay(a: Day, b: Day | undefined | null): Day {
  return b && b < a ? b : a;
}

/** Every day from `from` to `to`, both included. */
export function* eachDay(from: Day, to: Day): Generator<Day> {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}
