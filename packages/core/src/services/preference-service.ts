import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../tokens.js';

/** Per-user choices kept on the server (F01, F05: the columns of each list). */
@injectable()
export class PreferenceService {
  constructor(@inject(DB) private readonly db: Knex) {}

  async get(userId: string, key: string): Promise<unknown> {
    const row = await this.db('user_preferences').where({ user_id: userId, key }).first('value');
    return row?.value ?? null;
  }

  async set(userId: string, key: string, value: unknown): Promise<void> {
    await this.db('user_preferences')
      .insert({ user_id: userId, key, value: JSON.stringify(value), updated_at: this.db.fn.now() })
      .onConflict(['user_id', 'key'])
      .merge();
  }
}
