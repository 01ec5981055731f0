import type { ServerRoute, Lifecycle, RouteOptions, Request } from '@hapi/hapi';
import type { Role } from '../services/roles.js';
import type { Actor } from '../services/actor.js';
import type { SessionUser } from '../services/session-service.js';

/** Who may call a route. Every route states one; the server refuses to start otherwise. */
export type Access = 'public' | Role;

export const PUBLIC_PATHS: readonly string[] = [
  '/health',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/openapi.json',
  '/documentation',
  '/documentation/{file}',
  '/api/auth/login',
];

export interface RouteDef {
  method: string | string[];
  path: string;
  access: Access;
  description?: string;
  validate?: RouteOptions['validate'];
  payload?: RouteOptions['payload'];
  response?: RouteOptions['response'];
  handler: Lifecycle.Method;
  options?: Omit<RouteOptions, 'auth' | 'handler' | 'validate' | 'payload' | 'app'>;
}

/** A hapi route with its access rule written where hapi enforces it (`auth.access.scope`). */
export function defineRoute(def: RouteDef): ServerRoute {
  const auth: RouteOptions['auth'] = def.access === 'public' ? false : { strategy: 'session', access: { scope: [def.access] } };
  return {
    method: def.method as ServerRoute['method'],
    path: def.path,
    options: {
      ...def.options,
      description: def.description,
      tags: ['api'],
      auth,
      app: { access: def.access },
      validate: def.validate,
      payload: def.payload,
      response: def.response,
      handler: def.handler,
    },
  };
}

export function sessionUser(request: Request): SessionUser | null {
  return (request.auth.credentials?.user as SessionUser | undefined) ?? null;
}

export function clientIp(request: Request): string | null {
  return request.info.remoteAddress ?? null;
}

/**
 * The language of the answer: the request's first Accept-Language (the web UI sends the
 * language the user chose), else the user's saved language, else Russian.
 */
export function languageOf(request: Request): 'ru' | 'en' {
  const first = String(request.headers['accept-language'] ?? '').trim().slice(0, 2).toLowerCase();
  if (first === 'en' || first === 'ru') return first;
  return sessionUser(request)?.lang ?? 'ru';
}

export function actorOf(request: Request): Actor {
  const user = sessionUser(request);
  return {
    userId: user?.id ?? null,
    email: user?.email ?? null,
    role: user?.role ?? null,
    ip: clientIp(request),
    lang: languageOf(request),
  };
}

/** Common query parameters of every list: `?limit=&offset=&sort=&q=`. */
export { listQuery } from './list-query.js';
