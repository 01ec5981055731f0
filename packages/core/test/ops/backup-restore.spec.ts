import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { createTestApp, TEST_ADMIN } from '../../src/testing/test-app.js';
import { freePort, waitForHealth } from '../../src/testing/processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const POLLING_PLUGIN = fileURLToPath(new URL('../fixtures/plugins/polling.ts', import.meta.url));


/**
 * docs/operations.md «Backup and restore»: pg_dump of a node's database, createdb and
 * pg_restore into a new one, and the real `openamr serve` started on the restored database
 * serves the same data, with the same sessions and sealed secrets.
 */
describe('operations: pg_dump / pg_restore', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'amr-backup-'));
  const restored = `openamr_restore_${process.pid}`;
  let server: ChildProcess | undefined;
  after(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a dump into a new database and openamr serve on it has the same data, sessions and secrets', async function () {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) this.skip(); // pg_dump needs a PostgreSQL server
    const app = await createTestApp({ config: { demo: true }, plugins: [{ package: POLLING_PLUGIN }] });
    const dump = join(dir, 'openamr.dump');
    const folder = join(dir, 'gateway');
    mkdirSync(folder);
    // The test app's database is a schema of its own on the test server (DATABASE_SCHEMA).
    const schema = (app.database as unknown as { schema: string }).schema;
    let before: { buildings: unknown; readings: number };
    let cookie: string;
    let concentratorId: string;
    try {
      cookie = (await app.loginAs('administrator'))!;
      const buildings = (await app.inject({ method: 'GET', url: '/api/buildings', cookie })).json();
      const buildingId = buildings.items[0].id;
      const p = (await app.inject({ method: 'POST', url: `/api/buildings/${buildingId}/premises`, cookie, payload: { number: 'B-1', area: 30, kind: 'residential' } })).json();
      const m = (await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: 'BK-1', deviceTypeId: 'core.water-meter', premiseId: p.id, installedOn: '2024-01-01' } })).json();
      expect((await app.inject({ method: 'POST', url: `/api/meters/${m.id}/readings`, cookie, payload: { date: '2024-02-01', value: 10 } })).statusCode).to.equal(201);
      const c = await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId, type: 'generic', driverId: 'polling.folder', settings: { path: folder, password: 'sealed-secret-1' } } });
      expect(c.statusCode, c.payload).to.equal(201);
      concentratorId = c.json().id;
      const sealed = await app.database.knex('concentrators').where({ id: concentratorId }).first();
      expect(JSON.stringify(sealed.settings)).to.not.contain('sealed-secret-1');
      before = { buildings: buildings.items.map((b: { id: string; name: string }) => [b.id, b.name]), readings: Number((await app.database.knex('readings').count({ n: '*' }))[0]!.n) };
      const out = spawnSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, url!], { encoding: 'utf8' });
      expect(out.status, out.stderr).to.equal(0);
    } finally {
      await app.close();
    }

    const target = new URL(url!);
    target.pathname = `/${restored}`;
    const admin = knexFactory({ client: 'pg', connection: url!, pool: { min: 0, max: 1 } });
    try {
      await admin.raw('drop database if exists ??', [restored]);
      const created = spawnSync('createdb', [`--maintenance-db=${url}`, restored], { encoding: 'utf8' });
      expect(created.status, created.stderr).to.equal(0);
      const res = spawnSync('pg_restore', ['--no-owner', `--dbname=${target}`, dump], { encoding: 'utf8' });
      expect(res.status, res.stderr).to.equal(0);

      writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: [POLLING_PLUGIN] }));
      writeFileSync(join(folder, '2024-03-01.csv'), 'serial;date;value\nBK-1;01.03.2024;12\n');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      let output = '';
      server = spawn(process.execPath, ['--conditions=source', '--import', '@swc-node/register/esm-register', 'packages/core/src/cli/run.ts', 'serve'], {
        cwd: ROOT,
        // No OPENAMR_SECRET_KEY: the key the first node generated is in the dump.
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: target.toString(), DATABASE_SCHEMA: schema, OPENAMR_CONFIG: join(dir, 'openamr.config.json'), OPENAMR_SECRET_KEY: '', OPENAMR_ADMIN_PASSWORD: '', OPENAMR_SCHEDULER: '0', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout!.on('data', (d) => (output += d));
      server.stderr!.on('data', (d) => (output += d));
      await waitForHealth(base, server, () => output);
      expect(output, 'no new administrator is made: the dump has one').to.not.contain('password:');
      const get = async (path: string, c = cookie) => {
        const r = await fetch(`${base}${path}`, { headers: { cookie: c } });
        expect(r.status, `GET ${path}`).to.equal(200);
        return r.json() as Promise<any>;
      };
      // The session made before the dump still works.
      expect((await get('/api/auth/me')).email).to.equal(TEST_ADMIN.email);
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) });
      expect(login.status, 'the administrator of the dump logs in with the old password').to.equal(200);
      const buildings = await get('/api/buildings');
      expect(buildings.items.map((b: { id: string; name: string }) => [b.id, b.name])).to.deep.equal(before!.buildings);
      const meter = (await get('/api/meters?q=BK-1')).items[0];
      expect((await get(`/api/meters/${meter.id}/readings`)).items.map((r: { date: string; value: string }) => [r.date, String(r.value)])).to.deep.include(['2024-02-01', '10']);
      // The sealed password decrypts on the restored node: the poll runs (an undecryptable one is a config-error).
      expect((await get(`/api/concentrators/${concentratorId!}`)).secretsSet).to.deep.equal(['password']);
      const poll = await fetch(`${base}/api/concentrators/${concentratorId!}/poll`, { method: 'POST', headers: { cookie } });
      expect(poll.status).to.equal(202);
      const { runId } = (await poll.json()) as { runId: string };
      let run;
      for (let i = 0; i < 400; i++) {
        run = await get(`/api/poll-runs/${runId}`);
        if (run.outcome !== 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(run).to.include({ outcome: 'ok', readingsStored: 1 });
      const after = knexFactory({ client: 'pg', connection: target.toString(), searchPath: [schema], pool: { min: 0, max: 1 } });
      try {
        expect(Number((await after('readings').count({ n: '*' }))[0]!.n)).to.equal(before!.readings + 1);
      } finally {
        await after.destroy();
      }
      const exited = new Promise((resolve) => server!.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      server = undefined;
    } finally {
      await admin.raw('drop database if exists ?? with (force)', [restored]);
      await admin.destroy();
    }
  });
});
