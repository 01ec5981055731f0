import 'reflect-metadata';
import Hapi, { type Server } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import type { Knex } from 'knex';
import type { AppConfig } from '../config/config.js';
import type { Registries } from '../loader/registries.js';
import type { Logger } from '../plugin-api/service-refs.js';
import { SessionService } from '../services/session-service.js';
import { SettingsService } from '../services/settings-service.js';
import { installAuth } from './auth.js';
import { installErrorMapping } from './error-mapping.js';
import { PUBLIC_PATHS, type Access } from './route.js';
import { healthRoutes, type HealthState } from './routes/health-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { pluginRoutes } from './routes/plugin-routes.js';
import { staticRoutes } from './routes/static-routes.js';
import { buildingRoutes } from './routes/building-routes.js';
import { premiseRoutes } from './routes/premise-routes.js';
import { meterRoutes } from './routes/meter-routes.js';
import { referenceRoutes } from './routes/reference-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { concentratorRoutes } from './routes/concentrator-routes.js';
import { docsRoutes } from './routes/docs-routes.js';
import { Metrics } from '../services/metrics.js';

export interface ServerDeps {
  config: AppConfig;
  container: DependencyContainer;
  db: Knex;
  registries: Registries;
  logger: Logger;
  state: HealthState;
}

/** Static asset routes are public by nature; everything else public is listed in PUBLIC_PATHS. */
const PUBLIC_PREFIXES = ['/plugins/', '/{path*}'];

/**
 * Every route must state who may call it, and only the documented paths may be public.
 * Throws at start-up, so a route without a rule can never be served.
 */
export function assertAccessRules(server: Server): void {
  for (const route of server.table()) {
    const access = (route.settings.app as { access?: Access } | undefined)?.access;
    const where = `${route.method.toUpperCase()} ${route.path}`;
    if (!access) throw new Error(`route ${where} has no access rule: define it with defineRoute({ access })`);
    if (access === 'public') {
      if ((route.settings.auth as unknown) !== false) throw new Error(`route ${where} is marked public but requires auth`);
      if (!PUBLIC_PATHS.includes(route.path) && !PUBLIC_PREFIXES.some((p) => route.path.startsWith(p))) {
        throw new Error(`route ${where} is public but is not one of the documented public paths`);
      }
    } else {
      const scope = (route.settings.auth as { access?: Array<{ scope?: { selection?: string[] } }> } | undefined)?.access?.[0]?.scope;
      if (!scope?.selection?.includes(access)) throw new Error(`route ${where}: its auth scope does not enforce "${access}"`);
    }
  }
}

export async function createServer(deps: ServerDeps, extraRoutes: Array<Hapi.Plugin<any>> = []): Promise<Server> {
  const { config, container, db, registries, logger, state } = deps;
  const server = Hapi.server({
    port: config.port,
    host: config.host,
    routes: {
      validate: {
        // Hand the joi error on, so the answer names the field.
        failAction: (_request, _h, err) => {
          throw err;
        },
        options: { abortEarly: true },
      },
      payload: { maxBytes: 1024 * 1024 },
      response: { emptyStatusCode: 204 },
      security: { noSniff: true, xframe: 'deny', referrer: 'same-origin' },
    },
    router: { stripTrailingSlash: true },
  });
  server.validator(Joi);
  installErrorMapping(server, logger);

  const settings = container.resolve(SettingsService);
  const secret = await settings.secretKey();
  await installAuth(server, {
    sessions: container.resolve(SessionService),
    cookiePassword: `openamr-cookie-${secret}`.padEnd(32, '#'),
    secure: config.publicUrl?.startsWith('https://') ?? false,
    ttlHours: config.settings.sessionHours,
    publicUrl: config.publicUrl,
  });

  const metrics = container.resolve(Metrics);
  server.events.on('response', (request) => {
    const res = request.response as { statusCode?: number } | null;
    metrics.http.observe({ method: request.method, route: request.route?.path ?? 'unknown', status: String(res?.statusCode ?? 0) }, (Date.now() - request.info.received) / 1000);
    const user = (request.auth.credentials?.user as { email?: string } | undefined)?.email;
    logger.info(
      { method: request.method, path: request.path, status: res?.statusCode, ms: Date.now() - request.info.received, user },
      'request',
    );
  });

  await server.register([
    { plugin: healthRoutes, options: { db, registries, state } },
    { plugin: authRoutes, options: { container } },
    { plugin: userRoutes, options: { container } },
    { plugin: auditRoutes, options: { container } },
    { plugin: pluginRoutes, options: { registries } },
    { plugin: buildingRoutes, options: { container } },
    { plugin: premiseRoutes, options: { container } },
    { plugin: meterRoutes, options: { container } },
    { plugin: referenceRoutes, options: { container } },
    { plugin: reportRoutes, options: { container } },
    { plugin: importRoutes, options: { container } },
    { plugin: concentratorRoutes, options: { container } },
    { plugin: docsRoutes, options: { container } },
    ...extraRoutes.map((plugin) => ({ plugin, options: { container, registries, db } })),
    { plugin: staticRoutes, options: { registries } },
  ]);
  assertAccessRules(server);
  return server;
}
