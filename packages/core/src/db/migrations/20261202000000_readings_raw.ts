import type { Knex } from 'knex';

/**
 * The frame a reading was decoded from (`raw`, as the driver received it: hex for binary
 * telegrams), so a stored reading can be decoded again. Nullable: manual and imported
 * readings have none. Added on the partitioned parent, so every month's partition gets it.
 */
export const name = '20261202000000_readings_raw';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table readings add column raw text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table readings drop column raw');
}
