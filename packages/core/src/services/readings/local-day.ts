const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: a reading's `day` (F18). */
export function localDay(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(at);
}

const midnights = new Map<string, number>();

/** The instant of 00:00 of `day` in a time zone (a reading "of day D"); remembered per day and zone. */
export function zonedMidnight(day: string, timeZone: string): Date {
  const key = `${day}|${timeZone}`;
  let t = midnights.get(key);
  if (t === undefined) {
    if (midnights.size > 100_000) midnights.clear();
    t = zonedLocal(`${day}T00:00:00`, timeZone).getTime();
    midnights.set(key, t);
  }
  return new Date(t);
}

/** The instant of a wall-clock time `YYYY-MM-DDTHH:mm[:ss]` (no offset) in a time zone. */
export function zonedLocal(local: string, timeZone: string): Date {
  const utc = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  // The zone's offset at that moment, found by formatting; twice for days that change offset.
  let guess = utc;
  for (let i = 0; i < 2; i++) guess = utc - offsetOf(new Date(guess), timeZone);
  return new Date(guess);
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function offsetOf(at: Date, timeZone: string): number {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
