import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { DB } from '../tokens.js';
import { ConflictError, InputError, NotFoundError } from '../plugin-api/errors.js';
import { AuditService } from './audit-service.js';
import type { Actor } from './actor.js';
import type { Role } from './roles.js';
import { SessionService } from './session-service.js';
import { pageOf } from './list-sort.js';

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  active: boolean;
  lang: 'ru' | 'en';
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface UserChanges {
  name?: string | null;
  role?: Role;
  active?: boolean;
  lang?: 'ru' | 'en';
  password?: string;
}

const COLUMNS = ['id', 'email', 'name', 'role', 'active', 'lang', 'last_login_at', 'created_at'] as const;

function toUser(r: Record<string, any>): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    active: r.active,
    lang: r.lang,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
  };
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Users and their roles (F16). Every change is audited in its own transaction. */
@injectable()
export class UserService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(SessionService) private readonly sessions: SessionService,
  ) {}

  async list(opts: { limit: number; offset: number; q?: string }): Promise<{ items: User[]; total: number }> {
    const base = this.db('users').modify((b) => {
      if (opts.q) b.whereILike('email', `%${opts.q}%`).orWhereILike('name', `%${opts.q}%`);
    });
    return pageOf(base, opts, (b) => b.select(COLUMNS).orderBy('email'), toUser);
  }

  async get(id: string, db: Knex | Knex.Transaction = this.db): Promise<User> {
    const row = await db('users').where({ id }).first(COLUMNS);
    if (!row) throw new NotFoundError({ ru: 'Пользователь не найден', en: 'User not found' }, { id });
    return toUser(row);
  }

  async findByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const row = await this.db('users')
      .whereRaw('lower(email) = lower(?)', [email])
      .first([...COLUMNS, 'password_hash']);
    return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db('users').count<{ n: number }[]>({ n: '*' });
    return Number(n);
  }

  async create(actor: Actor, input: { email: string; password: string; role: Role; name?: string | null; lang?: 'ru' | 'en' }): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (trx) => {
      const exists = await trx('users').whereRaw('lower(email) = lower(?)', [input.email]).first('id');
      if (exists) {
        throw new ConflictError(
          { ru: `Пользователь ${input.email} уже существует`, en: `User ${input.email} already exists` },
          { field: 'email' },
        );
      }
      const [row] = await trx('users')
        .insert({ email: input.email, name: input.name ?? null, role: input.role, lang: input.lang ?? 'ru', password_hash: passwordHash })
        .returning(COLUMNS);
      const user = toUser(row);
      await this.audit.record(trx, actor, { action: 'create', entity: 'user', entityId: user.id, after: user });
      return user;
    });
  }

  async update(actor: Actor, id: string, changes: UserChanges): Promise<User> {
    const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
    const updated = await this.db.transaction(async (trx) => {
      const before = await this.get(id, trx);
      if (actor.userId === id && (changes.active === false || (changes.role && changes.role !== 'administrator'))) {
        throw new InputError(
          {
            ru: 'Нельзя отключить себя или снять с себя роль администратора: это сделает другой администратор',
            en: 'You cannot deactivate yourself or drop your own administrator role: ask another administrator',
          },
          { field: changes.active === false ? 'active' : 'role' },
        );
      }
      const patch: Record<string, unknown> = { updated_at: trx.fn.now() };
      if (changes.name !== undefined) patch.name = changes.name;
      if (changes.role !== undefined) patch.role = changes.role;
      if (changes.active !== undefined) patch.active = changes.active;
      if (changes.lang !== undefined) patch.lang = changes.lang;
      if (passwordHash) patch.password_hash = passwordHash;
      const [row] = await trx('users').where({ id }).update(patch).returning(COLUMNS);
      const after = toUser(row);
      if (changes.active === false || passwordHash) await trx('sessions').where({ user_id: id }).delete();
      await this.audit.record(trx, actor, {
        action: 'update',
        entity: 'user',
        entityId: id,
        before,
        after: passwordHash ? { ...after, password: 'changed' } : after,
      });
      return after;
    });
    this.sessions.forgetUser(id);
    return updated;
  }

  async verifyPassword(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  async touchLogin(id: string): Promise<void> {
    await this.db('users').where({ id }).update({ last_login_at: this.db.fn.now() });
  }
}
