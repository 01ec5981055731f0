import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createTestApp } from '../../src/testing/test-app.js';
import { createApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { loadPlugins } from '../../src/loader/load-plugins.js';

/**
 * docs/operations.md «Резервная копия»: pg_dump of a running node's database, pg_restore into a
 * new database, and a node started on the restored one serves the same data.
 */
describe('operations: pg_dump / pg_restore', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'amr-backup-'));
  const restored = `openamr_restore_${process.pid}`;
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restores a dump into a new database and a node starts on it with the same data', async function () {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) this.skip(); // pg_dump needs a PostgreSQL server
    const app = await createTestApp({ config: { demo: true } });
    const dump = join(dir, 'openamr.dump');
    let before: { buildings: number; readings: number };
    // The test app's database is a schema of its own on the test server.
    const schema = (app.database as unknown as { schema: string }).schema;
    try {
      const k = app.database.knex;
      before = { buildings: Number((await k('buildings').count({ n: '*' }))[0]!.n), readings: Number((await k('readings').count({ n: '*' }))[0]!.n) };
      const out = spawnSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, url!], { encoding: 'utf8' });
      expect(out.status, out.stderr).to.equal(0);
    } finally {
      await app.close();
    }
    const admin = knexFactory({ client: 'pg', connection: url!, pool: { min: 0, max: 1 } });
    try {
      await admin.raw('drop database if exists ??', [restored]);
      await admin.raw('create database ??', [restored]);
      const target = new URL(url!);
      target.pathname = `/${restored}`;
      const res = spawnSync('pg_restore', ['--no-owner', `--dbname=${target}`, dump], { encoding: 'utf8' });
      expect(res.status, res.stderr).to.equal(0);
      const database = await openDatabase({ url: target.toString(), dataDir: '/nonexistent', schema });
      const node = await createApp({
        config: { ...app.config, databaseUrl: target.toString(), databaseSchema: schema, demo: false },
        database,
        registries: await loadPlugins({ plugins: [], baseDir: process.cwd() }),
        logger: createLogger('silent'),
      });
      try {
        const health = await node.server.inject({ method: 'GET', url: '/health' });
        expect(health.statusCode, health.payload).to.equal(200);
        const k = database.knex;
        expect({ buildings: Number((await k('buildings').count({ n: '*' }))[0]!.n), readings: Number((await k('readings').count({ n: '*' }))[0]!.n) }).to.deep.equal(before!);
        const login = await node.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@test.local', password: 'admin-password-1' } });
        expect(login.statusCode, 'the administrator of the dump logs in').to.equal(200);
      } finally {
        await node.stop();
        await database.close();
      }
    } finally {
      await admin.raw('drop database if exists ?? with (force)', [restored]);
      await admin.destroy();
    }
  });
});
