import { expect } from 'chai';
import { createTestDatabase } from '../../src/testing/test-database.js';
import { migrateLatest, migrateRollback } from '../../src/db/migrations.js';
import type { Database } from '../../src/db/database.js';

const TABLES = [
  'audit_log', 'building_heat_readings', 'buildings', 'concentrators', 'device_types', 'imports', 'meter_radiators', 'meters',
  'norms', 'poll_runs', 'premises', 'radiators', 'readings', 'report_runs', 'schedule_slots', 'schedules', 'sessions', 'settings',
  'user_preferences', 'users',
];

const CORE = ['20260101000000_data_model', '20261124000000_readings_reference_checks', '20261124010000_polling', '20261202000000_readings_raw'];

describe('db/migrations', () => {
  let db: Database;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db?.close());

  async function tables(): Promise<string[]> {
    const rows = await db.knex('pg_tables').whereRaw('schemaname = current_schema()').pluck('tablename');
    return (rows as string[]).filter((t) => !t.startsWith('knex_')).sort();
  }

  it('creates the whole data model, rolls it back completely, and applies again', async () => {
    expect(await migrateLatest(db.knex)).to.deep.equal(CORE);
    expect(await tables()).to.deep.equal(TABLES);
    expect(await migrateLatest(db.knex)).to.deep.equal([]);
    expect(await migrateRollback(db.knex, [], true)).to.deep.equal([...CORE].reverse());
    expect(await tables()).to.deep.equal([]);
    expect(await migrateLatest(db.knex)).to.deep.equal(CORE);
  });

  it('runs plugin migrations with the core ones, ordered by name, and reverts them', async () => {
    const plugin = {
      name: '20260601000000_example_notes',
      up: (k: typeof db.knex) => k.schema.createTable('example_notes', (t) => t.text('note')),
      down: (k: typeof db.knex) => k.schema.dropTable('example_notes'),
    };
    expect(await migrateLatest(db.knex, [plugin])).to.deep.equal(['20260601000000_example_notes']);
    expect(await tables()).to.include('example_notes');
    expect(await migrateRollback(db.knex, [plugin])).to.deep.equal(['20260601000000_example_notes']);
    expect(await tables()).not.to.include('example_notes');
  });

  it('keeps one active meter per serial while decommissioned ones keep theirs', async () => {
    const k = db.knex;
    await k('device_types').insert({ id: 'x.meter', plugin_id: 'x', kind: 'water-meter', label: '{}', quantities: '[]', primary_quantity: 'volume' });
    await k('meters').insert({ serial: 'S1', device_type_id: 'x.meter', decommissioned_on: '2024-01-01' });
    await k('meters').insert({ serial: 'S1', device_type_id: 'x.meter' });
    let error: unknown;
    try {
      await k('meters').insert({ serial: 'S1', device_type_id: 'x.meter' });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain('meters_serial_active_unique');
  });

  describe('references of readings (checked per statement)', () => {
    let meterId: string;
    const reading = (meter: string, day: string, extra: Record<string, unknown> = {}) => ({
      meter_id: meter, taken_at: `${day}T00:00:00Z`, day, value: 1, source: 'manual', source_key: `k:${meter}:${day}`, ...extra,
    });
    before(async () => {
      const k = db.knex;
      await k.raw(`create table if not exists readings_2024_01 partition of readings for values from ('2024-01-01') to ('2024-02-01')`);
      await k('device_types').insert({ id: 'y.meter', plugin_id: 'y', kind: 'water-meter', label: '{}', quantities: '[]', primary_quantity: 'volume' }).onConflict('id').ignore();
      [{ id: meterId }] = await k('meters').insert({ serial: 'REF-1', device_type_id: 'y.meter' }).returning('id');
    });

    async function sqlState(p: Promise<unknown>): Promise<{ code?: string; message: string } | undefined> {
      try {
        await p;
      } catch (err) {
        return err as { code?: string; message: string };
      }
      return undefined;
    }

    it('refuses a reading of an unknown meter, import, poll run or user with 23503, storing none of the statement', async () => {
      const k = db.knex;
      const ghost = '00000000-0000-4000-8000-000000000001';
      const cases: [Record<string, unknown>, string][] = [
        [reading(ghost, '2024-01-02'), `meter ${ghost}`],
        [reading(meterId, '2024-01-03', { import_id: ghost }), `import ${ghost}`],
        [reading(meterId, '2024-01-04', { poll_run_id: ghost }), `poll run ${ghost}`],
        [reading(meterId, '2024-01-05', { created_by: ghost }), `user ${ghost}`],
      ];
      for (const [row, what] of cases) {
        const err = await sqlState(k('readings').insert([reading(meterId, '2024-01-01'), row]));
        expect(err?.code, what).to.equal('23503');
        expect(err?.message).to.contain(`${what} does not exist`);
      }
      const err = await sqlState(k('readings').insert(reading(meterId, '2024-01-06')).then(() => k('readings').where({ meter_id: meterId }).update({ meter_id: ghost })));
      expect(err?.code).to.equal('23503');
      expect(await k('readings').where({ meter_id: meterId }).pluck('day')).to.have.length(1);
      await k('readings').where({ meter_id: meterId }).delete();
    });

    it('deletes the readings of a deleted meter and clears a deleted import or user', async () => {
      const k = db.knex;
      const [{ id: other }] = await k('meters').insert({ serial: 'REF-2', device_type_id: 'y.meter' }).returning('id');
      const [{ id: userId }] = await k('users').insert({ email: 'ref@test', password_hash: 'x', role: 'operator' }).returning('id');
      const [{ id: importId }] = await k('imports').insert({ kind: 'readings', file_name: 'f.csv', format: 'csv', status: 'committed' }).returning('id');
      await k('readings').insert([reading(other, '2024-01-07', { import_id: importId, created_by: userId }), reading(meterId, '2024-01-08', { import_id: importId })]);
      await k('meters').where({ id: other }).delete();
      expect(await k('readings').where({ meter_id: other }).count('* as n').first()).to.deep.equal({ n: 0 });
      await k('imports').where({ id: importId }).delete();
      await k('users').where({ id: userId }).delete();
      const rest = await k('readings').where({ meter_id: meterId }).first('import_id', 'created_by');
      expect(rest).to.deep.equal({ import_id: null, created_by: null });
      await k('readings').where({ meter_id: meterId }).delete();
    });

    it('makes a concurrent meter deletion wait for the import that reads it, then deletes its readings', async function () {
      if (db.kind !== 'postgres') this.skip(); // one connection on the embedded database
      const k = db.knex;
      const [{ id: gone }] = await k('meters').insert({ serial: 'REF-3', device_type_id: 'y.meter' }).returning('id');
      const trx = await k.transaction();
      await trx('readings').insert(reading(gone, '2024-01-09'));
      let deleted = false;
      const deletion = k('meters').where({ id: gone }).delete().then(() => (deleted = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(deleted, 'the deletion waits for the importing transaction').to.equal(false);
      await trx.commit();
      await deletion;
      expect(await k('readings').where({ meter_id: gone }).count('* as n').first()).to.deep.equal({ n: 0 });
    });
  });
});
