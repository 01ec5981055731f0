import type { Knex } from 'knex';

/**
 * The readings table's references checked once per statement instead of once per row.
 *
 * A foreign key checks every inserted row with its own trigger call and index probe: for a
 * million-row import the four references of `readings` (meter, import, poll run, user) cost
 * about as much as writing the rows. Here one statement-level trigger per insert or update
 * checks the distinct ids of all new rows at once, and locks the referenced meters
 * `for key share` as a foreign key would, so a meter cannot vanish under an import that is
 * being committed. The delete side keeps the foreign keys' actions: deleting meters deletes
 * their readings (on delete cascade); deleting an import, a poll run or a user clears the
 * reference (on delete set null). Violations raise SQLSTATE 23503 (foreign_key_violation),
 * as the foreign keys did.
 */
export const name = '20261124000000_readings_reference_checks';

const REFERENCES = [
  { column: 'import_id', table: 'imports', what: 'import' },
  { column: 'poll_run_id', table: 'poll_runs', what: 'poll run' },
  { column: 'created_by', table: 'users', what: 'user' },
] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table readings
    drop constraint readings_meter_id_fkey,
    drop constraint readings_import_id_fkey,
    drop constraint readings_poll_run_id_fkey,
    drop constraint readings_created_by_fkey`);

  const optional = REFERENCES.map(
    ({ column, table, what }) => `
  select n.id::text into missing from (select distinct ${column} as id from new_rows where ${column} is not null) n
   where not exists (select 1 from ${table} t where t.id = n.id) limit 1;
  if found then
    raise foreign_key_violation using message = format('readings: ${what} %s does not exist', missing), table = 'readings', column = '${column}';
  end if;`,
  ).join('\n');

  await knex.raw(`
create function openamr_readings_check_references() returns trigger language plpgsql as $$
declare
  wanted bigint;
  locked bigint;
  missing text;
begin
  -- Lock first, then count: a meter deleted by a concurrent transaction is skipped by the lock.
  select count(*) into wanted from (select distinct meter_id from new_rows) n;
  select count(*) into locked from (
    select 1 from meters m where m.id in (select meter_id from new_rows) for key share of m) l;
  if locked < wanted then
    select n.meter_id::text into missing from (select distinct meter_id from new_rows) n
     where not exists (select 1 from meters m where m.id = n.meter_id) limit 1;
    raise foreign_key_violation using message = format('readings: meter %s does not exist', missing), table = 'readings', column = 'meter_id';
  end if;
${optional}
  return null;
end $$`);
  await knex.raw(`create trigger readings_references_insert after insert on readings
    referencing new table as new_rows for each statement execute function openamr_readings_check_references()`);
  await knex.raw(`create trigger readings_references_update after update on readings
    referencing new table as new_rows for each statement execute function openamr_readings_check_references()`);

  await knex.raw(`
create function openamr_meters_delete_readings() returns trigger language plpgsql as $$
begin
  delete from readings r where r.meter_id in (select id from old_rows);
  return null;
end $$`);
  await knex.raw(`create trigger meters_delete_readings after delete on meters
    referencing old table as old_rows for each statement execute function openamr_meters_delete_readings()`);

  for (const { column, table } of REFERENCES) {
    await knex.raw(`
create function openamr_${table}_release_readings() returns trigger language plpgsql as $$
begin
  update readings r set ${column} = null where r.${column} in (select id from old_rows);
  return null;
end $$`);
    await knex.raw(`create trigger ${table}_release_readings after delete on ${table}
      referencing old table as old_rows for each statement execute function openamr_${table}_release_readings()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { table } of REFERENCES) {
    await knex.raw(`drop trigger ${table}_release_readings on ${table}`);
    await knex.raw(`drop function openamr_${table}_release_readings()`);
  }
  await knex.raw('drop trigger meters_delete_readings on meters');
  await knex.raw('drop function openamr_meters_delete_readings()');
  await knex.raw('drop trigger readings_references_insert on readings');
  await knex.raw('drop trigger readings_references_update on readings');
  await knex.raw('drop function openamr_readings_check_references()');
  await knex.raw(`alter table readings
    add constraint readings_meter_id_fkey foreign key (meter_id) references meters (id) on delete cascade,
    add constraint readings_import_id_fkey foreign key (import_id) references imports (id) on delete set null,
    add constraint readings_poll_run_id_fkey foreign key (poll_run_id) references poll_runs (id) on delete set null,
    add constraint readings_created_by_fkey foreign key (created_by) references users (id) on delete set null`);
}
