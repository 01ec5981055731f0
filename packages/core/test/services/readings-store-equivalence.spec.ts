import 'reflect-metadata';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.js';
import { migrateLatest } from '../../src/db/migrations.js';
import { storeReadings } from '../../src/services/readings/store-readings.js';
import { bulkStoreReadings, copyChunks } from '../../src/services/readings/bulk-store.js';
import { ensureReadingPartitions } from '../../src/services/readings/reading-partitions.js';
import type { Registries } from '../../src/loader/registries.js';
import type { RawReading, ReadBatch } from '../../src/plugin-api/reader-driver.js';

/**
 * The two forms of the readings store — row by row (polls, uploads, PGlite) and set-based
 * (COPY + SQL, bulk files on PostgreSQL) — must decide every reading alike. Random files
 * against random stored histories: the same stored rows, the same "already there" count, the
 * same problem codes on the same lines.
 */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPE = 'eq.water';
const registries = {
  deviceTypes: new Map([[TYPE, { id: TYPE, primaryQuantity: 'volume', quantities: [{ key: 'volume', unit: 'm3' }] }]]),
} as unknown as Registries;

describe('services/readings: row-by-row and bulk stores decide alike', () => {
  let db: TestDatabase;
  let buildingA: string;
  const serials = ['EQ-1', 'EQ-2', 'EQ-3', 'EQ-SHARED', 'EQ-LATE', 'EQ-OTHER'];

  before(async function () {
    if (!process.env.TEST_DATABASE_URL) this.skip(); // the bulk form needs COPY: PostgreSQL only
    db = await createTestDatabase();
    const k = db.knex;
    await migrateLatest(k);
    await k('device_types').insert({ id: TYPE, plugin_id: 'eq', kind: 'water-meter', label: '{}', quantities: JSON.stringify([{ key: 'volume', unit: 'm3' }]), primary_quantity: 'volume' });
    const [a] = await k('buildings').insert({ name: 'A', address: 'a', time_zone: 'Asia/Yekaterinburg' }).returning('id');
    const [b] = await k('buildings').insert({ name: 'B', address: 'b', time_zone: 'Europe/Moscow' }).returning('id');
    buildingA = a.id;
    const [pa] = await k('premises').insert({ building_id: a.id, number: '1', area: 40, kind: 'residential' }).returning('id');
    const [pb] = await k('premises').insert({ building_id: b.id, number: '1', area: 40, kind: 'residential' }).returning('id');
    const meter = (serial: string, premise: string, extra: Record<string, unknown> = {}) => ({ serial, device_type_id: TYPE, premise_id: premise, ...extra });
    await k('meters').insert([
      meter('EQ-1', pa.id),
      meter('EQ-2', pa.id),
      meter('EQ-3', pa.id, { installed_on: '2024-03-01' }),
      meter('EQ-SHARED', pa.id, { installed_on: '2024-01-01', decommissioned_on: '2024-03-10' }),
      meter('EQ-SHARED', pa.id, { installed_on: '2024-03-11' }),
      meter('EQ-LATE', pa.id, { decommissioned_on: '2024-03-20' }),
      meter('EQ-OTHER', pb.id),
    ]);
    // Partitions first: the store creates missing ones on another connection, which would wait for the test's open transaction.
    await ensureReadingPartitions(k, ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01']);
  });
  after(() => db?.close());

  function randomFile(rand: () => number, n: number, prefix: string): RawReading[] {
    const out: RawReading[] = [];
    const level = new Map<string, number>();
    for (let line = 2; line < n + 2; line++) {
      const serial = rand() < 0.05 ? 'EQ-NONE' : serials[Math.floor(rand() * serials.length)]!;
      const day = `2024-03-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
      const form = rand();
      const takenAt = form < 0.6 ? day : form < 0.8 ? `${day}T00:00:00` : form < 0.9 ? `${day}T12:30:00` : new Date(`${day}T00:00:00+05:00`).toISOString();
      const lv = (level.get(serial) ?? 100) + Math.floor(rand() * 10) - (rand() < 0.15 ? 25 : 0);
      level.set(serial, lv);
      const value = rand() < 0.05 ? '' : rand() < 0.5 ? String(lv) : `${lv}.${Math.floor(rand() * 10)}`;
      out.push({ meterSerial: serial, takenAt, values: { volume: value }, sourceKey: `${prefix}:${serial}:${takenAt}:${line}`, file: 'f.csv', line, ...(rand() < 0.1 ? { errorCode: 'E1' } : {}) });
    }
    return out;
  }

  async function run(store: (trx: Knex.Transaction, batches: ReadBatch[]) => Promise<{ stored: number; duplicates: number; problems: { code: string; line?: number }[] }>, history: RawReading[], file: RawReading[]) {
    const trx = await db.knex.transaction();
    try {
      await storeReadings(trx, registries, [{ source: 'h', readings: history, problems: [] }], { source: 'poll' });
      const before = Number((await trx('readings').count('* as n'))[0]!.n);
      const r = await store(trx, [{ source: 'f', readings: file, problems: [] }]);
      const rows = await trx('readings').whereRaw(`source = 'file'`).orderBy(['meter_id', 'taken_at', 'source_key']).select('meter_id', 'day', 'taken_at', 'value', 'unit', 'error_code', 'source_key');
      return { stored: r.stored, duplicates: r.duplicates, problems: r.problems.map((p) => `${p.line}:${p.code}`).sort(), before, rows: rows.map((x) => JSON.stringify({ ...x, value: x.value === null ? null : Number(x.value), taken_at: new Date(x.taken_at).toISOString() })) };
    } finally {
      await trx.rollback();
    }
  }

  /** The same file over the same history, stored by each form. */
  async function bothStores(history: RawReading[], file: RawReading[], opts: { source: 'file'; buildingId: string | null }) {
    const rowByRow = await run((trx, b) => storeReadings(trx, registries, b, opts), history, file);
    const bulk = await run(async (trx, b) => {
      async function* it() {
        yield* b;
      }
      return bulkStoreReadings(trx, db.knex, copyChunks(it()), 'f.csv', opts);
    }, history, file);
    return { rowByRow, bulk };
  }

  it('on 60 random files over random stored histories', async function () {
    this.timeout(120_000);
    let problemsSeen = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rand = prng(seed);
      // Stored readings among the file's days, none, or only before them (February).
      const shape = seed % 4;
      const history = shape === 1 ? [] : randomFile(rand, 40, 'h').map((r) => {
        const takenAt = shape === 2 ? String(r.takenAt).replace('2024-03-', '2024-02-') : r.takenAt;
        return { ...r, takenAt, sourceKey: `h:${r.meterSerial}:${takenAt}:${r.line}`, line: undefined, file: undefined };
      });
      const file = randomFile(rand, 60, 'f');
      // Re-delivered rows: some of the history again (same instant, same or another value).
      for (const h of history.slice(0, 8)) file.push({ ...h, sourceKey: `f:again:${h.sourceKey}`, values: rand() < 0.5 ? h.values : { volume: '1' }, file: 'f.csv', line: file.length + 2 });
      const opts = { source: 'file' as const, buildingId: seed % 3 === 0 ? buildingA : null };
      const { rowByRow, bulk } = await bothStores(history, file, opts);
      expect(bulk, `seed ${seed}`).to.deep.equal(rowByRow);
      problemsSeen += rowByRow.problems.length;
    }
    expect(problemsSeen, 'the files exercise the rules').to.be.greaterThan(200);
  });

  it('refuses a value lower than a reading stored earlier the same day, in both forms', async () => {
    const history: RawReading[] = [{ meterSerial: 'EQ-1', takenAt: '2024-03-05T08:00:00', values: { volume: '2010' }, sourceKey: 'h:same-day' }];
    const file: RawReading[] = [
      { meterSerial: 'EQ-1', takenAt: '2024-03-05T12:00:00', values: { volume: '2000' }, sourceKey: 'f:same-day:lower', file: 'f.csv', line: 2 },
      { meterSerial: 'EQ-1', takenAt: '2024-03-05T18:00:00', values: { volume: '2011' }, sourceKey: 'f:same-day:higher', file: 'f.csv', line: 3 },
    ];
    const opts = { source: 'file' as const, buildingId: null };
    const { rowByRow, bulk } = await bothStores(history, file, opts);
    expect(rowByRow.problems).to.deep.equal(['2:value-decreased']);
    expect(rowByRow.stored).to.equal(1);
    expect(bulk).to.deep.equal(rowByRow);
  });
});
