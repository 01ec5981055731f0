import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../tokens.js';
import type { Actor } from './actor.js';
import { pageOf } from './list-sort.js';

export type AuditAction =
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'create'
  | 'update'
  | 'delete'
  | 'attach'
  | 'detach'
  | 'import'
  | 'poll'
  | 'report';

export interface AuditRecord {
  action: AuditAction;
  entity?: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditQuery {
  userId?: string;
  entity?: string;
  entityId?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditItem {
  id: string;
  at: Date;
  userId: string | null;
  userEmail: string | null;
  ip: string | null;
  action: AuditAction;
  entity: string | null;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

const SECRET_KEYS = /password|secret|token|key$/i;

/** Drops secrets from what is journalled (a password hash is never worth keeping twice). */
function scrub(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(scrub);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '***' : scrub(v)]),
    );
  }
  return value;
}

/**
 * The audit log (F17). Every change records itself here inside the change's own
 * transaction, so a change without its entry (or the reverse) cannot exist.
 */
@injectable()
export class AuditService {
  constructor(@inject(DB) private readonly db: Knex) {}

  async record(trx: Knex | Knex.Transaction, actor: Actor, rec: AuditRecord): Promise<void> {
    await trx('audit_log').insert({
      user_id: actor.userId,
      user_email: actor.email,
      ip: actor.ip,
      action: rec.action,
      entity: rec.entity ?? null,
      entity_id: rec.entityId ?? null,
      before: rec.before === undefined ? null : JSON.stringify(scrub(rec.before)),
      after: rec.after === undefined ? null : JSON.stringify(scrub(rec.after)),
    });
  }

  async list(q: AuditQuery): Promise<{ items: AuditItem[]; total: number }> {
    const base = this.db('audit_log').modify((b) => {
      if (q.userId) b.where('user_id', q.userId);
      if (q.entity) b.where('entity', q.entity);
      if (q.entityId) b.where('entity_id', q.entityId);
      if (q.action) b.where('action', q.action);
      if (q.from) b.where('at', '>=', q.from);
      if (q.to) b.where('at', '<', this.db.raw(`?::date + 1`, [q.to]));
    });
    return pageOf(
      base,
      q,
      (b) => b.select('id', 'at', 'user_id', 'user_email', 'ip', 'action', 'entity', 'entity_id', 'before', 'after').orderBy('seq', 'desc'),
      (r) => ({
        id: r.id,
        at: r.at,
        userId: r.user_id,
        userEmail: r.user_email,
        ip: r.ip,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: r.before,
        after: r.after,
      }),
    );
  }

  /** Failed logins for an email or from an IP since a moment (login rate limiting). */
  async failedLoginsSince(email: string, ip: string | null, since: Date): Promise<{ byEmail: number; byIp: number }> {
    const row = await this.db('audit_log')
      .where('action', 'login-failed')
      .where('at', '>=', since)
      .select(
        this.db.raw('count(*) filter (where lower(user_email) = lower(?)) as by_email', [email]),
        this.db.raw('count(*) filter (where ip = ?) as by_ip', [ip ?? '']),
      )
      .first();
    return { byEmail: Number(row?.by_email ?? 0), byIp: Number(row?.by_ip ?? 0) };
  }
}
