import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../tokens.js';
import { InputError, OpenAmrError } from '../plugin-api/errors.js';
import { AuditService } from './audit-service.js';
import { SessionService, type SessionUser } from './session-service.js';
import { UserService } from './user-service.js';
import type { Actor } from './actor.js';

/** Too many failed logins in a row: the answer is 429 until the window passes. */
export class TooManyAttemptsError extends OpenAmrError {
  readonly kind = 'too-many-attempts';
}

const WINDOW_MINUTES = 15;
const MAX_PER_EMAIL = 5;
const MAX_PER_IP = 30;

/** Login and logout. Failed attempts are counted from the audit log, so the limit holds across nodes. */
@injectable()
export class AuthService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(UserService) private readonly users: UserService,
    @inject(SessionService) private readonly sessions: SessionService,
    @inject(AuditService) private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, ip: string | null, userAgent: string | null): Promise<{ sessionId: string; user: SessionUser }> {
    const since = new Date(Date.now() - WINDOW_MINUTES * 60_000);
    const failed = await this.audit.failedLoginsSince(email, ip, since);
    if (failed.byEmail >= MAX_PER_EMAIL || failed.byIp >= MAX_PER_IP) {
      throw new TooManyAttemptsError({
        ru: `Слишком много неудачных попыток входа. Повторите через ${WINDOW_MINUTES} минут.`,
        en: `Too many failed login attempts. Try again in ${WINDOW_MINUTES} minutes.`,
      });
    }
    const user = await this.users.findByEmail(email);
    const ok = user !== undefined && user.active && (await this.users.verifyPassword(user.passwordHash, password));
    const actor: Actor = { userId: user?.id ?? null, email, role: user?.role ?? null, ip, lang: user?.lang ?? 'ru' };
    if (!ok) {
      await this.audit.record(this.db, actor, { action: 'login-failed', entity: 'user', entityId: user?.id ?? null });
      throw new InputError({ ru: 'Неверный email или пароль', en: 'Wrong email or password' }, { field: 'password', status: 401 });
    }
    const sessionId = await this.db.transaction(async (trx) => {
      await this.audit.record(trx, actor, { action: 'login', entity: 'user', entityId: user.id });
      return this.sessions.create(user.id, ip, userAgent, trx);
    });
    await this.users.touchLogin(user.id);
    return {
      sessionId,
      user: { sessionId, id: user.id, email: user.email, name: user.name, role: user.role, lang: user.lang },
    };
  }

  async logout(actor: Actor, sessionId: string): Promise<void> {
    await this.sessions.destroy(sessionId);
    await this.audit.record(this.db, actor, { action: 'logout', entity: 'user', entityId: actor.userId });
  }
}
