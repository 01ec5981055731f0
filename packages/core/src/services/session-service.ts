import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { CONFIG, DB } from '../tokens.js';
import type { AppConfig } from '../config/config.js';
import type { Role } from './roles.js';

export interface SessionUser {
  sessionId: string;
  id: string;
  email: string;
  name: string | null;
  role: Role;
  lang: 'ru' | 'en';
}

/** How long a node trusts a session it has just looked up. */
const CACHE_MS = 5_000;

/**
 * Server-side sessions: the cookie carries only a random id, so logout and deactivation take
 * effect at once on this node and within CACHE_MS on the others (each node keeps what it
 * looked up for a few seconds: one query less per request).
 */
@injectable()
export class SessionService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly cache = new Map<string, { user: SessionUser; until: number }>();

  private expiry(): Date {
    return new Date(Date.now() + this.config.settings.sessionHours * 3600_000);
  }

  async create(userId: string, ip: string | null, userAgent: string | null, db: Knex | Knex.Transaction = this.db): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await db('sessions').insert({ id, user_id: userId, ip, user_agent: userAgent?.slice(0, 300) ?? null, expires_at: this.expiry() });
    return id;
  }

  /** The session's user when the session is live and the user active; extends a session that is half used. */
  async resolve(id: string): Promise<SessionUser | null> {
    const hit = this.cache.get(id);
    if (hit && hit.until > Date.now()) return hit.user;
    const row = await this.db('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .where('s.id', id)
      .where('s.expires_at', '>', this.db.fn.now())
      .where('u.active', true)
      .first('s.id as session_id', 's.expires_at', 'u.id', 'u.email', 'u.name', 'u.role', 'u.lang');
    if (!row) return null;
    const halfLife = (this.config.settings.sessionHours * 3600_000) / 2;
    if (new Date(row.expires_at).getTime() - Date.now() < halfLife) {
      await this.db('sessions').where({ id }).update({ expires_at: this.expiry() });
    }
    const user: SessionUser = { sessionId: row.session_id, id: row.id, email: row.email, name: row.name, role: row.role, lang: row.lang };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { user, until: Date.now() + CACHE_MS });
    return user;
  }

  /** Forgets what this node knows of a user's sessions (deactivation, role or password change). */
  forgetUser(userId: string): void {
    for (const [id, entry] of this.cache) if (entry.user.id === userId) this.cache.delete(id);
  }

  async destroy(id: string): Promise<void> {
    this.cache.delete(id);
    await this.db('sessions').where({ id }).delete();
  }

  async purgeExpired(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', this.db.fn.now()).delete();
  }
}
