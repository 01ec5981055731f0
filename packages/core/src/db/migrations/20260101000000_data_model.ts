import type { Knex } from 'knex';

/**
 * The whole data model of docs/architecture (later migrations may add columns).
 * Every FK is indexed and has an explicit onDelete; ids are UUIDs.
 */
export const name = '20260101000000_data_model';

const id = (t: Knex.CreateTableBuilder, knex: Knex) => t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
const stamps = (t: Knex.CreateTableBuilder, knex: Knex) => {
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('users', (t) => {
    id(t, knex);
    t.text('email').notNullable();
    t.text('name');
    t.text('password_hash').notNullable();
    t.text('role').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.text('lang').notNullable().defaultTo('ru');
    t.timestamp('last_login_at', { useTz: true });
    stamps(t, knex);
    t.check(`role in ('operator', 'manager', 'administrator')`, [], 'users_role_check');
  });
  await knex.raw('create unique index users_email_unique on ?? (lower(email))', ['users']);

  await knex.schema.createTable('sessions', (t) => {
    t.text('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
    t.text('ip');
    t.text('user_agent');
  });

  await knex.schema.createTable('user_preferences', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'key']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    id(t, knex);
    t.bigIncrements('seq', { primaryKey: false });
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('user_id').references('users.id').onDelete('SET NULL').index();
    t.text('user_email');
    t.text('ip');
    t.text('action').notNullable();
    t.text('entity');
    t.text('entity_id');
    t.jsonb('before');
    t.jsonb('after');
    t.index(['at']);
    t.index(['entity', 'entity_id']);
    t.check(
      `action in ('login', 'login-failed', 'logout', 'create', 'update', 'delete', 'attach', 'detach', 'import', 'poll', 'report')`,
      [],
      'audit_log_action_check',
    );
  });
  // Append-only: the database itself refuses to change or remove an entry.
  await knex.raw(`
    create function openamr_audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end $$`);
  await knex.raw(`create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function openamr_audit_log_append_only()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function openamr_audit_log_append_only()`);

  await knex.schema.createTable('buildings', (t) => {
    id(t, knex);
    t.text('name').notNullable();
    t.text('address').notNullable();
    t.decimal('total_area', null);
    t.text('notes');
    t.text('time_zone').notNullable().defaultTo('Europe/Moscow');
    stamps(t, knex);
  });

  await knex.schema.createTable('premises', (t) => {
    id(t, knex);
    t.uuid('building_id').references('buildings.id').onDelete('RESTRICT').index();
    t.text('number').notNullable();
    t.integer('floor');
    t.integer('entrance');
    t.decimal('area', null).notNullable();
    t.text('account_number');
    t.date('acceptance_date');
    t.text('kind').notNullable();
    stamps(t, knex);
    t.unique(['building_id', 'number']);
    t.check(`kind in ('residential', 'non-residential')`, [], 'premises_kind_check');
  });

  await knex.schema.createTable('radiators', (t) => {
    id(t, knex);
    t.text('model').notNullable().unique();
    t.text('manufacturer');
    t.text('type');
    t.integer('height');
    t.integer('width');
    t.decimal('coefficient', null).notNullable();
    stamps(t, knex);
  });

  await knex.schema.createTable('device_types', (t) => {
    t.text('id').primary();
    t.text('plugin_id').notNullable();
    t.text('kind').notNullable();
    t.jsonb('label').notNullable();
    t.jsonb('quantities').notNullable();
    t.text('primary_quantity').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('meters', (t) => {
    id(t, knex);
    t.text('serial').notNullable();
    t.text('device_type_id').notNullable().references('device_types.id').onDelete('RESTRICT').index();
    t.uuid('premise_id').references('premises.id').onDelete('RESTRICT').index();
    t.date('installed_on');
    t.date('decommissioned_on');
    t.text('water_medium');
    /** Bus address behind the concentrator (M-Bus primary/secondary, Modbus unit id, pulse channel). */
    t.text('address');
    t.jsonb('options');
    t.text('notes');
    stamps(t, knex);
    t.check(`water_medium is null or water_medium in ('hot', 'cold')`, [], 'meters_water_medium_check');
  });
  // A serial is unique among active meters; decommissioned ones keep theirs for history.
  await knex.raw('create unique index meters_serial_active_unique on meters (serial) where decommissioned_on is null');
  await knex.raw('create index meters_serial_prefix on meters (serial text_pattern_ops)');

  await knex.schema.createTable('meter_radiators', (t) => {
    id(t, knex);
    t.uuid('meter_id').notNullable().references('meters.id').onDelete('CASCADE').index();
    t.uuid('radiator_id').notNullable().references('radiators.id').onDelete('RESTRICT').index();
    t.date('valid_from'); // null = since the meter was installed
    t.date('valid_to');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('concentrators', (t) => {
    id(t, knex);
    t.uuid('building_id').notNullable().references('buildings.id').onDelete('RESTRICT').index();
    t.text('name');
    t.text('type').notNullable();
    t.text('host');
    t.integer('port');
    t.text('driver_id').notNullable();
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.text('cursor');
    t.boolean('enabled').notNullable().defaultTo(true);
    stamps(t, knex);
  });

  await knex.schema.createTable('schedules', (t) => {
    id(t, knex);
    t.uuid('concentrator_id').notNullable().unique().references('concentrators.id').onDelete('CASCADE');
    t.text('cron').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    stamps(t, knex);
  });

  await knex.schema.createTable('poll_runs', (t) => {
    id(t, knex);
    t.uuid('concentrator_id').notNullable().references('concentrators.id').onDelete('CASCADE');
    t.text('trigger').notNullable().defaultTo('schedule');
    t.text('node_id');
    t.uuid('started_by').references('users.id').onDelete('SET NULL').index();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.text('outcome').notNullable().defaultTo('running');
    t.integer('readings_stored').notNullable().defaultTo(0);
    t.integer('duplicates').notNullable().defaultTo(0);
    t.jsonb('problems').notNullable().defaultTo('[]');
    t.text('error');
    t.index(['concentrator_id', 'started_at']);
    t.check(
      `outcome in ('running', 'ok', 'partial', 'connection-error', 'protocol-error', 'config-error', 'timeout')`,
      [],
      'poll_runs_outcome_check',
    );
  });

  await knex.schema.createTable('schedule_slots', (t) => {
    id(t, knex);
    t.uuid('schedule_id').notNullable().references('schedules.id').onDelete('CASCADE');
    t.timestamp('slot_at', { useTz: true }).notNullable();
    t.text('claimed_by').notNullable();
    t.timestamp('claimed_until', { useTz: true }).notNullable();
    t.uuid('poll_run_id').references('poll_runs.id').onDelete('SET NULL').index();
    t.timestamp('completed_at', { useTz: true });
    t.unique(['schedule_id', 'slot_at']);
  });

  await knex.schema.createTable('imports', (t) => {
    id(t, knex);
    t.text('kind').notNullable();
    t.uuid('building_id').references('buildings.id').onDelete('CASCADE').index();
    t.text('file_name').notNullable();
    t.text('format');
    t.binary('content');
    t.text('status').notNullable().defaultTo('dry-run');
    t.jsonb('summary');
    t.uuid('created_by').references('users.id').onDelete('SET NULL').index();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('committed_at', { useTz: true });
  });

  // The big table: one row per meter reading, partitioned by month of `day`
  // (partitions are created on demand by the readings service).
  await knex.raw(`
    create table readings (
      id uuid not null default gen_random_uuid(),
      meter_id uuid not null references meters (id) on delete cascade,
      taken_at timestamptz not null,
      day date not null,
      value numeric,
      unit text,
      "values" jsonb,
      error_code text,
      source text not null,
      source_key text not null,
      poll_run_id uuid references poll_runs (id) on delete set null,
      import_id uuid references imports (id) on delete set null,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (id, day),
      unique (source_key, day)
    ) partition by range (day)`);
  await knex.raw('create index readings_meter_day on readings (meter_id, day)');
  // Error readings are few: reports find them without scanning every day of every meter.
  await knex.raw(`create index readings_errors on readings (meter_id, day) where error_code is not null and error_code <> ''`);
  // Foreign keys that most readings leave empty: indexed only where set, so a bulk load does
  // not maintain three indexes of nulls.
  await knex.raw('create index readings_poll_run on readings (poll_run_id) where poll_run_id is not null');
  await knex.raw('create index readings_import on readings (import_id) where import_id is not null');
  await knex.raw('create index readings_created_by on readings (created_by) where created_by is not null');

  await knex.schema.createTable('building_heat_readings', (t) => {
    id(t, knex);
    t.uuid('building_id').notNullable().references('buildings.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.decimal('value', null).notNullable();
    t.text('unit').notNullable().defaultTo('Gcal');
    t.uuid('created_by').references('users.id').onDelete('SET NULL').index();
    stamps(t, knex);
    t.unique(['building_id', 'day']);
  });

  await knex.schema.createTable('norms', (t) => {
    id(t, knex);
    t.uuid('building_id').notNullable().references('buildings.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.date('effective_from').notNullable();
    t.decimal('value', null).notNullable();
    stamps(t, knex);
    t.unique(['building_id', 'kind', 'effective_from']);
    t.check(`kind in ('residential', 'non-residential')`, [], 'norms_kind_check');
  });

  await knex.schema.createTable('report_runs', (t) => {
    id(t, knex);
    t.text('generator_id').notNullable();
    t.uuid('building_id').references('buildings.id').onDelete('SET NULL').index();
    t.jsonb('params').notNullable();
    t.text('file_name').notNullable();
    t.text('media_type').notNullable();
    t.binary('file').notNullable();
    t.jsonb('explanation');
    t.jsonb('warnings').notNullable().defaultTo('[]');
    t.integer('duration_ms').notNullable();
    t.uuid('created_by').references('users.id').onDelete('SET NULL').index();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['generator_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'report_runs',
    'norms',
    'building_heat_readings',
    'readings',
    'imports',
    'schedule_slots',
    'poll_runs',
    'schedules',
    'concentrators',
    'meter_radiators',
    'meters',
    'device_types',
    'radiators',
    'premises',
    'buildings',
    'audit_log',
    'user_preferences',
    'sessions',
    'users',
    'settings',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('drop function if exists openamr_audit_log_append_only()');
}
