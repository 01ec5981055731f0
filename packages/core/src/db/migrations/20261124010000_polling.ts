import type { Knex } from 'knex';

/**
 * Polling across nodes: a concentrator's open session is leased by one node (so at most one
 * session per concentrator whatever the number of nodes), a run carries a heartbeat (so a
 * run left `running` by a crashed node is closed by another), and a run remembers its slot
 * and attempts.
 */
export const name = '20261124010000_polling';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('concentrators', (t) => {
    t.text('lease_owner');
    t.timestamp('lease_until', { useTz: true });
  });
  await knex.schema.alterTable('poll_runs', (t) => {
    t.timestamp('heartbeat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('schedule_slot_id');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('problem_count').notNullable().defaultTo(0);
  });
  // The runs still open, found by the sweeper that closes those of crashed nodes.
  await knex.raw(`create index poll_runs_running on poll_runs (heartbeat_at) where outcome = 'running'`);
  // Slots not completed, found by the sweeper that takes over expired claims.
  await knex.raw('create index schedule_slots_open on schedule_slots (claimed_until) where completed_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index schedule_slots_open');
  await knex.raw('drop index poll_runs_running');
  await knex.schema.alterTable('poll_runs', (t) => {
    t.dropColumn('heartbeat_at');
    t.dropColumn('schedule_slot_id');
    t.dropColumn('attempts');
    t.dropColumn('problem_count');
  });
  await knex.schema.alterTable('concentrators', (t) => {
    t.dropColumn('lease_owner');
    t.dropColumn('lease_until');
  });
}
