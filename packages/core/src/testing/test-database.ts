import knexFactory from 'knex';
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
// The app's pg type parsers (dates as 'YYYY-MM-DD' strings), so code under test sees what it sees in the app.
import '../db/database.js';

/**
 * A fresh, empty schema for one test file: on the PostgreSQL of `TEST_DATABASE_URL` when it
 * is set (CI), else on one embedded PGlite shared by the test process (started once: its
 * cold start costs seconds). `close()` drops the schema.
 */
export interface TestDatabase extends Database {
  /** A connection URL for other processes (the CLI) and the schema to use with it. */
  url: string;
  schema: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = process.env.TEST_DATABASE_URL;
  let connection: string | { host: string; port: number; user: string; database: string };
  let kind: Database['kind'];
  if (url) {
    connection = url;
    kind = 'postgres';
  } else {
    connection = await sharedPglite();
    kind = 'pglite';
  }
  const admin = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 1 } });
  await admin.raw('create schema ??', [schema]);
  await admin.destroy();
  const knex = knexFactory({
    client: 'pg',
    connection,
    searchPath: [schema],
    pool: { min: 0, max: kind === 'pglite' ? 1 : 5 },
    acquireConnectionTimeout: 60_000,
  });
  return {
    kind,
    knex,
    url: typeof connection === 'string' ? connection : `postgres://${connection.user}@${connection.host}:${connection.port}/${connection.database}`,
    schema,
    describe: `${kind} schema ${schema}`,
    async close() {
      try {
        await knex.raw('drop schema ?? cascade', [schema]);
      } finally {
        await knex.destroy();
      }
    },
  };
}

let pglite: Promise<{ host: string; port: number; user: string; database: string }> | undefined;

function sharedPglite() {
  pglite ??= (async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    const conn = server.getServerConn();
    const i = conn.lastIndexOf(':');
    return { host: conn.slice(0, i), port: Number(conn.slice(i + 1)), user: 'postgres', database: 'postgres' };
  })();
  return pglite;
}
