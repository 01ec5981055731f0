import 'reflect-metadata';
import type { Plugin as HapiPlugin, ServerInjectResponse } from '@hapi/hapi';
import { createApp, type App } from '../app.js';
import type { AppConfig, PluginEntry } from '../config/config.js';
import { loadPlugins } from '../loader/load-plugins.js';
import { createLogger } from '../logger.js';
import type { Role } from '../services/roles.js';
import { PushListeners } from '../services/polling/push-listeners.js';
import { UserService } from '../services/user-service.js';
import { SYSTEM_ACTOR } from '../services/actor.js';
import { createTestDatabase } from './test-database.js';

export interface TestAppOptions {
  /** Plugins to load (package names or paths); default none. */
  plugins?: PluginEntry[];
  baseDir?: string;
  config?: Partial<Omit<AppConfig, 'polling'>> & { polling?: Partial<AppConfig['polling']> };
  routes?: Array<HapiPlugin<any>>;
}

export interface TestApp extends App {
  /** Logs in (creating the user on first use) and returns the session cookie header. */
  loginAs(role: Role | 'anonymous'): Promise<string | undefined>;
  inject(options: InjectOptions): Promise<TestResponse>;
  /** The node's push listeners (not started in tests unless a test starts them): for push drivers' tests. */
  readonly pushListeners: Pick<PushListeners, 'start' | 'stop' | 'sync' | 'listening'>;
  close(): Promise<void>;
}

export interface InjectOptions {
  method: string;
  url: string;
  payload?: unknown;
  cookie?: string;
  headers?: Record<string, string>;
}

export interface TestResponse extends ServerInjectResponse {
  /** The payload parsed as JSON. */
  json(): any;
}

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/**
 * A whole OpenAMR node on a fresh test schema, with `server.inject()` helpers and users of
 * every role. Call `close()` in `after()`.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    adminEmail: TEST_ADMIN.email,
    adminPassword: TEST_ADMIN.password,
    demo: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    baseDir: options.baseDir ?? process.cwd(),
    plugins: options.plugins ?? [],
    settings: { staleDays: 21, sessionHours: 12, uploadLimitMb: 100 },
    ...options.config,
    // No scheduler unless a test asks for one; short leases and back-off.
    polling: { scheduler: false, timeoutMs: 30_000, retries: 1, retryDelayMs: 50, leaseMs: 5_000, graceMs: 2_000, concurrency: 16, ...options.config?.polling },
  };
  const registries = await loadPlugins({ plugins: config.plugins, baseDir: config.baseDir });
  let app: App;
  try {
    app = await createApp({ config, database, registries, logger: createLogger(config.logLevel), routes: options.routes });
  } catch (err) {
    await database.close();
    throw err;
  }
  const cookies = new Map<string, string>();
  const inject: TestApp['inject'] = async ({ method, url, payload, cookie, headers }) => {
    const res = await app.server.inject({ method, url, payload: payload as object, headers: { ...(cookie ? { cookie } : {}), ...headers } });
    return Object.assign(res, { json: () => JSON.parse(res.payload) });
  };

  return Object.assign(app, {
    inject,
    pushListeners: app.container.resolve(PushListeners),
    async loginAs(role: Role | 'anonymous') {
      if (role === 'anonymous') return undefined;
      const known = cookies.get(role);
      if (known) return known;
      const email = role === 'administrator' ? TEST_ADMIN.email : `${role}@test.local`;
      const password = role === 'administrator' ? TEST_ADMIN.password : `${role}-password-1`;
      if (role !== 'administrator') {
        const users = app.container.resolve(UserService);
        if (!(await users.findByEmail(email))) await users.create(SYSTEM_ACTOR, { email, password, role });
      }
      const res = await inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login as ${role} failed: ${res.statusCode} ${res.payload}`);
      const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0];
      const cookie = setCookie!.split(';')[0]!;
      cookies.set(role, cookie);
      return cookie;
    },
    async close() {
      await app.stop();
      await database.close();
    },
  });
}
