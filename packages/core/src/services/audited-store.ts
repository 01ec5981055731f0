import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import type { ModelClass, Model } from 'objection';
import { DB } from '../tokens.js';
import { NotFoundError, type LocalizedText } from '../plugin-api/errors.js';
import { AuditService, type AuditAction } from './audit-service.js';
import type { Actor } from './actor.js';

export interface EntityInfo<M extends Model> {
  model: ModelClass<M>;
  /** The audit entity name, e.g. `building`. */
  entity: string;
  notFound: LocalizedText;
}

/**
 * Create, update and delete of one table with the audit entry in the same transaction.
 * Services add their rules through the `check` callbacks, which run inside that transaction.
 */
@injectable()
export class AuditedStore {
  constructor(
    @inject(DB) readonly db: Knex,
    @inject(AuditService) readonly audit: AuditService,
  ) {}

  async find<M extends Model>(info: EntityInfo<M>, id: string, trx: Knex | Knex.Transaction = this.db): Promise<M> {
    const row = await info.model.query(trx).findById(id);
    if (!row) throw new NotFoundError(info.notFound, { id });
    return row as M;
  }

  async create<M extends Model>(
    actor: Actor,
    info: EntityInfo<M>,
    values: Record<string, unknown>,
    check?: (trx: Knex.Transaction) => Promise<void>,
    then?: (row: M, trx: Knex.Transaction) => Promise<Record<string, unknown> | void>,
  ): Promise<M> {
    return this.db.transaction(async (trx) => {
      await check?.(trx);
      const row = (await info.model.query(trx).insert(values as never).returning('*')) as unknown as M;
      const extra = await then?.(row, trx);
      await this.audit.record(trx, actor, {
        action: 'create',
        entity: info.entity,
        entityId: (row as { id?: string }).id,
        after: { ...row.toJSON(), ...(extra ?? {}) },
      });
      return row;
    });
  }

  async update<M extends Model>(
    actor: Actor,
    info: EntityInfo<M>,
    id: string,
    patch: Record<string, unknown>,
    check?: (before: M, trx: Knex.Transaction) => Promise<void>,
    action: AuditAction = 'update',
  ): Promise<M> {
    return this.db.transaction(async (trx) => {
      const before = await this.find(info, id, trx);
      await check?.(before, trx);
      const after = (await info.model
        .query(trx)
        .patchAndFetchById(id, { ...patch, ...('updatedAt' in before ? { updatedAt: new Date() } : {}) } as never)) as M;
      await this.audit.record(trx, actor, { action, entity: info.entity, entityId: id, before: before.toJSON(), after: after.toJSON() });
      return after;
    });
  }

  async delete<M extends Model>(actor: Actor, info: EntityInfo<M>, id: string, check?: (before: M, trx: Knex.Transaction) => Promise<void>): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await this.find(info, id, trx);
      await check?.(before, trx);
      await info.model.query(trx).deleteById(id);
      await this.audit.record(trx, actor, { action: 'delete', entity: info.entity, entityId: id, before: before.toJSON() });
    });
  }
}
