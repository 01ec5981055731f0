import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, unlinkSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../plugin-api/errors.js';

// numeric stays a string (exact decimals); date stays 'YYYY-MM-DD' (no time zone shift);
// bigint counts become numbers (they fit: row counts, not ids).
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  kind: DatabaseKind;
  knex: Knex;
  /** A short description without secrets, for logs. */
  describe: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… ; when absent the embedded PGlite in `dataDir` is used. */
  url?: string;
  dataDir: string;
  /** Schema to put first in search_path (tests use one schema per file). */
  schema?: string;
  poolMax?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.schema, options.poolMax);
  return openEmbedded(resolve(options.dataDir), options.schema);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

async function openPostgres(url: string, schema?: string, poolMax = 10): Promise<Database> {
  const knex = knexFactory({
    client: 'pg',
    connection: url,
    searchPath: schema ? [schema, 'public'] : undefined,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 30_000,
  });
  let kind: DatabaseKind = 'postgres';
  try {
    if (schema) await knex.raw('create schema if not exists ??', [schema]);
    // A PGlite served over a socket (another process's embedded database) speaks the protocol
    // but not COPY FROM STDIN: the bulk paths must know.
    const v = await knex.raw('select version() as v');
    if (/PGlite/.test(String(v.rows[0]?.v))) kind = 'pglite';
  } catch (err) {
    await knex.destroy();
    throw new ConfigError(
      {
        ru: `Не удалось подключиться к PostgreSQL (${redact(url)}): ${(err as Error).message}. Проверьте DATABASE_URL.`,
        en: `Cannot connect to PostgreSQL (${redact(url)}): ${(err as Error).message}. Check DATABASE_URL.`,
      },
      { field: 'DATABASE_URL' },
    );
  }
  return { kind, knex, describe: redact(url), close: () => knex.destroy() };
}

/**
 * The embedded database: PGlite in a folder, served on a loopback socket so the same
 * `pg` driver and type parsing are used as with PostgreSQL. One process owns the folder.
 */
async function openEmbedded(dataDir: string, schema?: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create(join(dataDir, 'pglite'));
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    const [host, port] = splitHostPort(server.getServerConn());
    const knex = knexFactory({
      client: 'pg',
      connection: { host, port, user: 'postgres', database: 'postgres' },
      searchPath: schema ? [schema, 'public'] : undefined,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 60_000,
    });
    return {
      kind: 'pglite',
      knex,
      describe: `embedded PGlite in ${dataDir}`,
      async close() {
        await knex.destroy();
        await server.stop();
        await db.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

function splitHostPort(conn: string): [string, number] {
  const i = conn.lastIndexOf(':');
  return [conn.slice(0, i), Number(conn.slice(i + 1))];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pid lock file: PGlite must never be opened by two processes at once. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'openamr.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new ConfigError(
          {
            ru: `Встроенная база данных в ${dataDir} занята процессом ${pid} (запущенный сервер?). Остановите его или задайте DATABASE_URL для работы с PostgreSQL.`,
            en: `The embedded database in ${dataDir} is in use by process ${pid} (a running server?). Stop it, or set DATABASE_URL to use PostgreSQL.`,
          },
          { field: 'OPENAMR_DATA_DIR' },
        );
      }
      if (existsSync(lockFile)) unlinkSync(lockFile); // stale lock of a dead process
    }
  }
  throw new Error(`cannot lock ${lockFile}`);
}
