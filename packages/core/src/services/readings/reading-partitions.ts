import type { Knex } from 'knex';

const known = new WeakMap<Knex, Set<string>>();

function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * Creates the monthly partitions of `readings` that the given days fall in. Runs outside
 * the caller's transaction (DDL there would lock the parent table for its whole length);
 * several nodes may race: `if not exists` and a duplicate-table error both mean "done".
 */
export async function ensureReadingPartitions(db: Knex, days: Iterable<string>): Promise<void> {
  let cache = known.get(db);
  if (!cache) known.set(db, (cache = new Set()));
  const months = new Set<string>();
  for (const d of days) months.add(monthStart(d));
  for (const month of months) {
    if (cache.has(month)) continue;
    if (!/^\d{4}-\d{2}-01$/.test(month)) throw new Error(`not a month: ${month}`);
    const name = `readings_${month.slice(0, 4)}_${month.slice(5, 7)}`;
    try {
      // DDL takes no bind parameters; the bounds are checked dates.
      await db.raw(`create table if not exists ?? partition of readings for values from ('${month}') to ('${nextMonth(month)}')`, [name]);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw err;
    }
    cache.add(month);
  }
}
