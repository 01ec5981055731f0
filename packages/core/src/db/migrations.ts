import type { Knex } from 'knex';
import type { PluginMigration } from '../plugin-api/define-plugin.js';
import * as dataModel from './migrations/20260101000000_data_model.js';
import * as readingsReferenceChecks from './migrations/20261124000000_readings_reference_checks.js';
import * as polling from './migrations/20261124010000_polling.js';
import * as readingsRaw from './migrations/20261202000000_readings_raw.js';

/** The core's own migrations, oldest first. */
export const coreMigrations: PluginMigration[] = [dataModel, readingsReferenceChecks, polling, readingsRaw];

/**
 * Feeds knex the core's migrations and the loaded plugins' migrations from code (no
 * directory scanning), ordered by their timestamped names.
 */
export class CodeMigrationSource implements Knex.MigrationSource<PluginMigration> {
  private readonly all: PluginMigration[];

  constructor(migrations: PluginMigration[]) {
    this.all = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  }

  async getMigrations(): Promise<PluginMigration[]> {
    return this.all;
  }

  getMigrationName(migration: PluginMigration): string {
    return migration.name;
  }

  async getMigration(migration: PluginMigration): Promise<Knex.Migration> {
    return { up: (k) => migration.up(k), down: (k) => migration.down(k) };
  }
}

export async function migrateLatest(knex: Knex, plugins: PluginMigration[] = []): Promise<string[]> {
  const [, applied] = await knex.migrate.latest({ migrationSource: new CodeMigrationSource([...coreMigrations, ...plugins]) });
  return applied as string[];
}

export async function migrateRollback(knex: Knex, plugins: PluginMigration[] = [], all = false): Promise<string[]> {
  const [, reverted] = await knex.migrate.rollback({ migrationSource: new CodeMigrationSource([...coreMigrations, ...plugins]) }, all);
  return reverted as string[];
}
