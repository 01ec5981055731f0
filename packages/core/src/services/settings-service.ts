import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { CONFIG, DB } from '../tokens.js';
import type { AppConfig } from '../config/config.js';

/** Server-wide values kept in the `settings` table, shared by every node. */
@injectable()
export class SettingsService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(CONFIG) private readonly config: AppConfig,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db('settings').where({ key }).first('value');
    return row?.value as T | undefined;
  }

  /** Returns the stored value, storing `make()` first when there is none (safe across nodes). */
  async getOrCreate<T>(key: string, make: () => T): Promise<T> {
    await this.db('settings').insert({ key, value: JSON.stringify(make()) }).onConflict('key').ignore();
    return (await this.get<T>(key)) as T;
  }

  /**
   * The key for cookies and secrets at rest: OPENAMR_SECRET_KEY, or one generated at the
   * first start and kept in the database so every node of a cluster uses the same.
   */
  async secretKey(): Promise<string> {
    if (this.config.secretKey) return this.config.secretKey;
    return this.getOrCreate('secret-key', () => randomBytes(32).toString('base64url'));
  }
}
