import type { Request, ResponseToolkit, Server } from '@hapi/hapi';
import Cookie from '@hapi/cookie';
import type { SessionService } from '../services/session-service.js';
import { scopesOf } from '../services/roles.js';
import { ForbiddenError } from '../plugin-api/errors.js';

export const SESSION_COOKIE = 'openamr_sid';

export interface AuthOptions {
  sessions: SessionService;
  cookiePassword: string;
  secure: boolean;
  ttlHours: number;
  /** Origins allowed to send mutating requests besides the server's own host. */
  publicUrl?: string;
}

/**
 * Cookie sessions (httpOnly, SameSite=Lax, Secure behind TLS). The cookie holds only the
 * session id; the session and the user's role are read from the database on each request.
 */
export async function installAuth(server: Server, opts: AuthOptions): Promise<void> {
  await server.register(Cookie);
  server.auth.strategy('session', 'cookie', {
    cookie: {
      name: SESSION_COOKIE,
      password: opts.cookiePassword,
      isSecure: opts.secure,
      isHttpOnly: true,
      isSameSite: 'Lax',
      path: '/',
      ttl: opts.ttlHours * 3600_000,
      clearInvalid: true,
    },
    keepAlive: false,
    validate: async (_request: Request, session: object) => {
      const sid = (session as { sid?: unknown }).sid;
      if (typeof sid !== 'string') return { isValid: false };
      const user = await opts.sessions.resolve(sid);
      if (!user) return { isValid: false };
      return { isValid: true, credentials: { user, scope: scopesOf(user.role) } };
    },
  });
  server.auth.default({ strategy: 'session', mode: 'required' });

  const allowed = opts.publicUrl ? new URL(opts.publicUrl).host : undefined;
  // A mutating request from a foreign page is refused (CSRF); scripts send no Origin and pass.
  server.ext('onRequest', (request: Request, h: ResponseToolkit) => {
    if (['get', 'head', 'options'].includes(request.method)) return h.continue;
    const origin = request.headers.origin;
    if (!origin) return h.continue;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      host = '';
    }
    if (host && (host === request.headers.host || host === allowed)) return h.continue;
    throw new ForbiddenError({
      ru: `Запрос с чужого сайта (${origin}) отклонен`,
      en: `A request from a foreign site (${origin}) was refused`,
    });
  });
}
