import { expect } from 'chai';
import { createTestDatabase } from '../../src/testing/test-database.js';
import { migrateLatest, migrateRollback } from '../../src/db/migrations.js';
import type { Database } from '../../src/db/database.js';

const TABLES = [
  'audit_log', 'building_heat_readings', 'buildings', 'concentrators', 'device_types', 'imports', 'meter_radiators', 'meters',
  'norms', 'poll_runs', 'premises', 'radiators', 'readings', 'report_runs', 'schedule_slots', 'schedules', 'sessions', 'settings',
  'user_preferences', 'users',
];

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
    expect(await migrateLatest(db.knex)).to.deep.equal(['20260101000000_data_model']);
    expect(await tables()).to.deep.equal(TABLES);
    expect(await migrateLatest(db.knex)).to.deep.equal([]);
    expect(await migrateRollback(db.knex, [], true)).to.deep.equal(['20260101000000_data_model']);
    expect(await tables()).to.deep.equal([]);
    expect(await migrateLatest(db.knex)).to.deep.equal(['20260101000000_data_model']);
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
});
