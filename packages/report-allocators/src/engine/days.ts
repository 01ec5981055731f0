/**
 * Calendar days as ISO strings `YYYY-MM-DD`, with integer day numbers for arithmetic: no
 * `Date`, no clock, no time zone. A reading "of day D" is the value at 00:00 of D.
 */
export type Day = string;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: Day): [year: number, month: number, dayOfMonth: number] {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError(`not an ISO day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function monthLength(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `YYYY-MM-DD` naming a day that exists (no 2023-02-29, no 2024-13-01). */
export function isValidDay(s: string): boolean {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const [year, month, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && d >= 1 && d <= monthLength(year, month);
}

/** Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's days_from_civil). */
export function dayNumber(day: Day): number {
  const [y0, month, d] = parts(day);
  const y = month <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The day of a day number (inverse of `dayNumber`; civil_from_days). */
export function dayOfNumber(n: number): Day {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(day: Day, n: number): Day {
  return dayOfNumber(dayNumber(day) + n);
}

/** −1, 0 or 1 as `a` is before, on or after `b` (ISO days order as strings). */
export function compareDays(a: Day, b: Day): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The number of days in the month of `day` (28…31). */
export function daysInMonth(day: Day): number {
  const [year, month] = parts(day);
  return monthLength(year, month);
}

/** The later of a day and an optional bound (a missing bound does not limit). */
export function maxDay(a: Day, b: Day | undefined | null): Day {
  return b && b > a ? b : a;
}

/** The earlier of a day and an optional bound (a missing bound does not limit). */
export function minDay(a: Day, b: Day | undefined | null): Day {
  return b && b < a ? b : a;
}

/** Every day from `from` to `to`, both included. */
export function* eachDay(from: Day, to: Day): Generator<Day> {
  for (let n = dayNumber(from), last = dayNumber(to); n <= last; n++) yield dayOfNumber(n);
}

/**
 * The calendar months touched by `from`…`to` (both included), each with the number of its
 * days inside the range and its length: 2024-01-06…2024-02-10 → [{2024-01, 26 of 31}, {2024-02, 10 of 29}].
 */
export function monthsOf(from: Day, to: Day): Array<{ month: string; days: number; length: number }> {
  const out: Array<{ month: string; days: number; length: number }> = [];
  let start = dayNumber(from);
  const last = dayNumber(to);
  while (start <= last) {
    const day = dayOfNumber(start);
    const length = daysInMonth(day);
    const monthEnd = start + (length - Number(day.slice(8, 10)));
    const stop = Math.min(monthEnd, last);
    out.push({ month: day.slice(0, 7), days: stop - start + 1, length });
    start = stop + 1;
  }
  return out;
}
