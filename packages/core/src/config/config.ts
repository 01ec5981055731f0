import Joi from 'joi';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../plugin-api/errors.js';

/** A plugin as listed in `openamr.config.json`: a package name (or a path) and its options. */
export interface PluginEntry {
  package: string;
  options?: unknown;
}

export interface AppConfig {
  port: number;
  host: string;
  /** The URL users reach the server at; `https://…` turns on Secure cookies. */
  publicUrl?: string;
  databaseUrl?: string;
  /** PostgreSQL schema for OpenAMR's tables (default: the server's search_path, i.e. public). */
  databaseSchema?: string;
  dataDir: string;
  adminEmail: string;
  adminPassword?: string;
  demo: boolean;
  logLevel: string;
  /** Key for secrets at rest and cookies; generated and kept in the database when absent. */
  secretKey?: string;
  /** Where plugins are resolved from (the config file's folder, or the working directory). */
  baseDir: string;
  /** `undefined` = every bundled plugin that is installed. */
  plugins?: PluginEntry[];
  settings: { staleDays: number; sessionHours: number; uploadLimitMb: number };
  polling: PollingConfig;
}

/** How this node polls concentrators (docs/operations: «Опрос»). */
export interface PollingConfig {
  /** Run the scheduler on this node (a node may serve only the API). */
  scheduler: boolean;
  /** A poll is aborted (outcome `timeout`) after this long. */
  timeoutMs: number;
  /** Retries of a poll that could not connect, inside the slot, with doubling back-off. */
  retries: number;
  retryDelayMs: number;
  /** A claimed slot or an open session is this node's for this long unless renewed; a crashed node's is taken over after it. */
  leaseMs: number;
  /** On SIGTERM running polls may finish for this long, then they are aborted. */
  graceMs: number;
  /** Polls running at once on this node. */
  concurrency: number;
}

const pluginEntry = Joi.alternatives().try(
  Joi.string().min(1),
  Joi.object({ package: Joi.string().min(1).required(), options: Joi.any() }),
);

const fileSchema = Joi.object({
  $schema: Joi.string(),
  plugins: Joi.array().items(pluginEntry),
  settings: Joi.object({
    staleDays: Joi.number().integer().min(1).max(3650),
    sessionHours: Joi.number().integer().min(1).max(24 * 90),
    uploadLimitMb: Joi.number().integer().min(1).max(10_000),
  }),
  polling: Joi.object({
    scheduler: Joi.boolean(),
    timeoutMs: Joi.number().integer().min(100).max(24 * 3600_000),
    retries: Joi.number().integer().min(0).max(10),
    retryDelayMs: Joi.number().integer().min(0).max(600_000),
    leaseMs: Joi.number().integer().min(1000).max(3600_000),
    graceMs: Joi.number().integer().min(0).max(3600_000),
    concurrency: Joi.number().integer().min(1).max(10_000),
  }),
});

const envSchema = Joi.object({
  PORT: Joi.number().port().default(8080),
  HOST: Joi.string().default('0.0.0.0'),
  OPENAMR_PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  DATABASE_SCHEMA: Joi.string().pattern(/^[a-z_][a-z0-9_]{0,62}$/),
  OPENAMR_DATA_DIR: Joi.string().default('./data'),
  OPENAMR_ADMIN_EMAIL: Joi.string().email({ tlds: false }).default('admin@openamr.local'),
  OPENAMR_ADMIN_PASSWORD: Joi.string().min(8),
  OPENAMR_DEMO: Joi.boolean().truthy('1', 'yes').falsy('0', 'no', '').default(false),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  OPENAMR_SECRET_KEY: Joi.string().min(32),
  OPENAMR_CONFIG: Joi.string(),
  OPENAMR_SCHEDULER: Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off'),
  OPENAMR_POLL_TIMEOUT_MS: Joi.number().integer().min(100),
  OPENAMR_POLL_LEASE_MS: Joi.number().integer().min(1000),
  OPENAMR_POLL_CONCURRENCY: Joi.number().integer().min(1),
}).unknown(true);

/** The environment variables and `openamr.config.json` keys the server reads (docs/operations.md lists each). */
export function configKeys(): { env: string[]; file: string[] } {
  type Described = { type?: string; keys?: Record<string, Described> };
  const flat = (d: Described, prefix = ''): string[] =>
    Object.entries(d.keys ?? {}).flatMap(([k, v]) => [`${prefix}${k}`, ...(v.type === 'object' ? flat(v, `${prefix}${k}.`) : [])]);
  return { env: Object.keys((envSchema.describe() as Described).keys ?? {}), file: flat(fileSchema.describe() as Described) };
}

function fail(field: string, message: string, source: string): never {
  throw new ConfigError(
    { ru: `Ошибка конфигурации (${source}): ${message}`, en: `Configuration error (${source}): ${message}` },
    { field, file: source },
  );
}

/** Reads the environment and `openamr.config.json`; a wrong value stops start-up naming the field. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const envResult = envSchema.validate(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')),
    { abortEarly: true, convert: true },
  );
  if (envResult.error) {
    const detail = envResult.error.details[0]!;
    fail(String(detail.path.join('.')), detail.message, 'environment');
  }
  const e = envResult.value as Record<string, any>;

  const configPath = resolve(cwd, e.OPENAMR_CONFIG ?? 'openamr.config.json');
  let file: Record<string, any> = {};
  if (existsSync(configPath)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (err) {
      fail('', `not valid JSON: ${(err as Error).message}`, configPath);
    }
    const r = fileSchema.validate(parsed, { abortEarly: true });
    if (r.error) {
      const detail = r.error.details[0]!;
      fail(detail.path.join('.'), detail.message, configPath);
    }
    file = r.value;
  } else if (e.OPENAMR_CONFIG) {
    fail('OPENAMR_CONFIG', `file not found: ${configPath}`, 'environment');
  }

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.OPENAMR_PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    dataDir: resolve(cwd, e.OPENAMR_DATA_DIR),
    adminEmail: e.OPENAMR_ADMIN_EMAIL,
    adminPassword: e.OPENAMR_ADMIN_PASSWORD,
    demo: e.OPENAMR_DEMO,
    logLevel: e.LOG_LEVEL,
    secretKey: e.OPENAMR_SECRET_KEY,
    baseDir: existsSync(configPath) ? dirname(configPath) : cwd,
    plugins: file.plugins?.map((p: string | PluginEntry) => (typeof p === 'string' ? { package: p } : p)),
    settings: {
      staleDays: file.settings?.staleDays ?? 21,
      sessionHours: file.settings?.sessionHours ?? 12,
      uploadLimitMb: file.settings?.uploadLimitMb ?? 100,
    },
    polling: {
      scheduler: e.OPENAMR_SCHEDULER ?? file.polling?.scheduler ?? true,
      timeoutMs: e.OPENAMR_POLL_TIMEOUT_MS ?? file.polling?.timeoutMs ?? 10 * 60_000,
      retries: file.polling?.retries ?? 2,
      retryDelayMs: file.polling?.retryDelayMs ?? 5_000,
      leaseMs: e.OPENAMR_POLL_LEASE_MS ?? file.polling?.leaseMs ?? 60_000,
      graceMs: file.polling?.graceMs ?? 30_000,
      concurrency: e.OPENAMR_POLL_CONCURRENCY ?? file.polling?.concurrency ?? 64,
    },
  };
}
