import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { CONFIG, DB } from '../tokens.js';
import type { AppConfig } from '../config/config.js';
import { AuditService } from './audit-service.js';
import type { Actor } from './actor.js';

/** Server-wide values kept in the `settings` table, shared by every node. */
@injectable()
export class SettingsService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(CONFIG) private readonly config: AppConfig,
    @inject(AuditService) private readonly audit: AuditService,
  ) {}

  private cache = new Map<string, { value: unknown; until: number }>();

  /** Days after which a meter without readings turns stale (F06): the stored setting, else the config's. */
  async staleDays(): Promise<number> {
    return this.cached('stale-days', async () => (await this.get<number>('stale-days')) ?? this.config.settings.staleDays);
  }

  /** Changes the operator-visible settings, audited in the same transaction. */
  async update(actor: Actor, changes: { staleDays?: number }): Promise<{ staleDays: number }> {
    const before = { staleDays: await this.staleDays() };
    await this.db.transaction(async (trx) => {
      if (changes.staleDays !== undefined) {
        await trx('settings')
          .insert({ key: 'stale-days', value: JSON.stringify(changes.staleDays), updated_at: trx.fn.now() })
          .onConflict('key')
          .merge();
      }
      await this.audit.record(trx, actor, { action: 'update', entity: 'settings', before, after: { ...before, ...changes } });
    });
    this.cache.clear();
    return { staleDays: await this.staleDays() };
  }

  /** Values read often and changed rarely are kept 30 s per node. */
  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value as T;
    const value = await load();
    this.cache.set(key, { value, until: Date.now() + 30_000 });
    return value;
  }

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
