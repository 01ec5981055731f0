import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';

/** Some routes as the design names them, with the least role allowed: written by hand, not read from the route table. */
const KEY_ROUTES: Array<[method: string, path: string, access: string]> = [
  ['post', '/api/auth/login', 'public'],
  ['get', '/api/auth/me', 'operator'],
  ['get', '/api/buildings', 'operator'],
  ['post', '/api/buildings', 'manager'],
  ['get', '/api/meters/{id}', 'operator'],
  ['post', '/api/imports', 'manager'],
  ['get', '/api/plugins', 'operator'],
  ['get', '/api/reports', 'operator'],
  ['post', '/api/reports/{generatorId}', 'operator'],
  ['get', '/api/report-runs', 'operator'],
  ['delete', '/api/report-runs/{id}', 'manager'],
  ['post', '/api/concentrators', 'manager'],
  ['post', '/api/concentrators/{id}/poll', 'manager'],
  ['get', '/api/users', 'administrator'],
  ['get', '/api/audit', 'administrator'],
  ['get', '/health', 'public'],
  ['get', '/health/live', 'public'],
  ['get', '/health/ready', 'public'],
  ['get', '/metrics', 'public'],
];

/** The value of one sample of the Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('server: /openapi.json, /documentation, /metrics and /health', () => {
  let app: TestApp;
  let doc: any;
  const dir = mkdtempSync(join(tmpdir(), 'openamr-metrics-'));
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }], config: { demo: true } });
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET /openapi.json', () => {
    it('documents every route of the server with its parameters, body and access', async () => {
      expect(doc.openapi).to.equal('3.0.3');
      const missing: string[] = [];
      for (const route of app.server.table()) {
        const path = route.path.replace(/\{(\w+)\*?\d*\}/g, '{$1}');
        if (!doc.paths[path]?.[route.method]) missing.push(`${route.method.toUpperCase()} ${route.path}`);
      }
      expect(missing).to.deep.equal([]);
      const create = doc.paths['/api/buildings'].post;
      expect(create.requestBody.content['application/json'].schema.required).to.deep.equal(['name', 'address']);
      const one = doc.paths['/api/meters/{id}'].get;
      expect(one.parameters.map((p: { name: string; in: string }) => [p.name, p.in])).to.deep.include(['id', 'path']);
      expect(doc.paths['/api/auth/login'].post.security).to.deep.equal([]);
      expect(doc.components.securitySchemes.session).to.include({ in: 'cookie', name: 'openamr_sid' });
    });

    it('has the key routes of the design with the least role allowed', () => {
      const wrong = KEY_ROUTES.filter(([method, path, access]) => doc.paths[path]?.[method]?.['x-access'] !== access).map((r) => `${r.join(' ')}: ${doc.paths[r[1]]?.[r[0]]?.['x-access']}`);
      expect(wrong).to.deep.equal([]);
      for (const [method, path, access] of KEY_ROUTES) expect(doc.paths[path][method].security, `${method} ${path}`).to.deep.equal(access === 'public' ? [] : undefined);
    });

    it('documents each report generator’s params from its joi schema, in the generic route and its own', () => {
      const params = doc.components.schemas['ReportParams.example.meter-list'];
      expect(params.type).to.equal('object');
      expect(Object.keys(params.properties)).to.include.members(['buildingId', 'from', 'to', 'premiseIds', 'format']);
      expect(params.required).to.include.members(['buildingId', 'from', 'to']);
      expect(params.properties.format.enum).to.include.members(['csv', 'json']);
      const generic = doc.paths['/api/reports/{generatorId}'].post;
      expect(generic.requestBody.content['application/json'].schema.oneOf).to.deep.include({ $ref: '#/components/schemas/ReportParams.example.meter-list' });
      expect(generic.parameters.find((p: { name: string }) => p.name === 'generatorId').schema.enum).to.include('example.meter-list');
      const own = doc.paths['/api/reports/example.meter-list'].post;
      expect(own.requestBody.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/ReportParams.example.meter-list' });
      expect(generic.responses['201'].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/ReportRun' });
    });

    it('documents each driver’s settings as GET /api/concentrator-types gives them, told apart by driverId', async () => {
      const cookie = (await app.loginAs('operator'))!;
      const drivers = (await app.inject({ method: 'GET', url: '/api/concentrator-types', cookie })).json().drivers as Array<{ id: string; settingsSchema: unknown }>;
      expect(drivers.map((d) => d.id)).to.include('example.fixture-file');
      for (const d of drivers) expect(doc.components.schemas[`DriverSettings.${d.id}`], d.id).to.deep.include(d.settingsSchema as object);
      expect(doc.components.schemas['DriverSettings.example.fixture-file'].required).to.deep.equal(['path']);
      const body = doc.paths['/api/concentrators'].post.requestBody.content['application/json'].schema;
      expect(body.discriminator.propertyName).to.equal('driverId');
      const variant = doc.components.schemas['ConcentratorCreate.example.fixture-file'];
      expect(body.discriminator.mapping['example.fixture-file']).to.equal('#/components/schemas/ConcentratorCreate.example.fixture-file');
      expect(variant.properties.settings).to.deep.equal({ $ref: '#/components/schemas/DriverSettings.example.fixture-file' });
      expect(variant.required).to.include.members(['buildingId', 'type', 'driverId', 'settings']);
      const edit = doc.paths['/api/concentrators/{id}'].patch.requestBody.content['application/json'].schema;
      expect(edit.properties.settings.oneOf).to.deep.include({ $ref: '#/components/schemas/DriverSettings.example.fixture-file' });
    });

    it('gives answers their shapes: text/plain for /metrics, the report run, errors', async () => {
      expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)[0]).to.match(/^text\/plain/);
      expect(doc.paths['/health/ready'].get.responses).to.have.keys('200', '503', 'default');
      expect(doc.paths['/api/buildings'].get.responses.default.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Error' });
      // The documented report run against a real one.
      const cookie = (await app.loginAs('operator'))!;
      const buildingId = (await app.inject({ method: 'GET', url: '/api/buildings', cookie })).json().items[0].id;
      const run = (await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'json' } })).json();
      const shape = doc.components.schemas.ReportRun;
      expect(Object.keys(run).filter((k) => !(k in shape.properties))).to.deep.equal([]);
      expect(shape.required.filter((k: string) => !(k in run))).to.deep.equal([]);
      const refused = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId, from: 'x', to: '2024-01-31' } });
      expect(refused.statusCode).to.equal(400);
      expect(Object.keys(refused.json()).filter((k) => !(k in doc.components.schemas.Error.properties))).to.deep.equal([]);
    });

    it('serves Swagger UI over it at /documentation', async () => {
      const page = await app.inject({ method: 'GET', url: '/documentation' });
      expect(page.statusCode).to.equal(200);
      expect(page.payload).to.contain("url: '/openapi.json'");
      const asset = await app.inject({ method: 'GET', url: '/documentation/swagger-ui-bundle.js' });
      expect(asset.statusCode).to.equal(200);
      expect(asset.headers['content-type']).to.contain('javascript');
      expect((await app.inject({ method: 'GET', url: '/documentation/..%2Fpackage.json' })).statusCode).to.equal(404);
    });
  });

  describe('GET /metrics', () => {
    it('counts a real poll by outcome, the readings it stored, an import’s rows and a report’s duration', async () => {
      const cookie = (await app.loginAs('manager'))!;
      const before = (await app.inject({ method: 'GET', url: '/metrics' })).payload;
      expect(sample(before, 'openamr_polls_total', { outcome: 'ok' })).to.equal(undefined);
      const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Метрики', address: 'ул. Счётная, 1' } })).json();
      const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie, payload: { number: '1', area: 40, kind: 'residential' } })).json();
      for (const serial of ['EX-1001', 'EX-1002']) {
        const m = await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial, deviceTypeId: 'example.water-meter', premiseId: p.id, installedOn: '2023-01-01' } });
        expect(m.statusCode, m.payload).to.equal(201);
      }
      // A poll: the example driver reads a file of three readings.
      const file = join(dir, 'readings.csv');
      writeFileSync(file, 'serial;date;value;error_code\nEX-1001;2024-01-01;12.5;\nEX-1001;2024-02-01;14.25;\nEX-1002;2024-01-01;3;\n');
      const c = (await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId: b.id, type: 'generic', driverId: 'example.fixture-file', settings: { path: file } } })).json();
      const { runId } = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie })).json();
      let run;
      for (let i = 0; i < 400; i++) {
        run = (await app.inject({ method: 'GET', url: `/api/poll-runs/${runId}`, cookie })).json();
        if (run.outcome !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(run).to.include({ outcome: 'ok', readingsStored: 3 });
      // Imports: two new rows and one refused (committed skipping it), then one of them again (already there).
      const commit = async (name: string, text: string) => {
        const m = multipart({ buildingId: b.id }, { name, content: Buffer.from(text) });
        const dry = await app.inject({ method: 'POST', url: '/api/imports', cookie, payload: m.payload, headers: m.headers });
        expect(dry.statusCode, dry.payload).to.equal(201);
        return (await app.inject({ method: 'POST', url: `/api/imports/${dry.json().id}/commit`, cookie, payload: { skipBad: true } })).json();
      };
      expect(await commit('march.csv', 'serial;date;value\nEX-1001;01.03.2024;15\nEX-1002;01.03.2024;4\nNOPE-1;01.03.2024;1\n')).to.include({ status: 'committed', new: 2, existing: 0 });
      expect(await commit('again.csv', 'serial;date;value\nEX-1001;01.03.2024;15\n')).to.include({ status: 'committed', new: 0, existing: 1 });
      const report = await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId: b.id, from: '2024-01-01', to: '2024-03-31' } });
      expect(report.statusCode).to.equal(201);

      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      const text = res.payload;
      expect(sample(text, 'openamr_polls_total', { outcome: 'ok', trigger: 'manual' })).to.equal(1);
      expect(sample(text, 'openamr_readings_stored_total', { source: 'poll' })).to.equal(3);
      expect(sample(text, 'openamr_readings_stored_total', { source: 'file' })).to.equal(2);
      expect(sample(text, 'openamr_import_rows_total', { result: 'stored' })).to.equal(2);
      expect(sample(text, 'openamr_import_rows_total', { result: 'existing' })).to.equal(1);
      expect(sample(text, 'openamr_import_rows_total', { result: 'refused' })).to.equal(1);
      expect(sample(text, 'openamr_report_duration_seconds_count', { generator: 'example.meter-list' })).to.be.at.least(1);
      expect(sample(text, 'openamr_report_duration_seconds_bucket', { generator: 'example.meter-list', le: '+Inf' })).to.equal(sample(text, 'openamr_report_duration_seconds_count', { generator: 'example.meter-list' }));
      expect(sample(text, 'openamr_report_duration_seconds_sum', { generator: 'example.meter-list' })).to.be.greaterThan(0);
      expect(sample(text, 'openamr_http_request_duration_seconds_count', { method: 'post', route: '/api/imports/{id}/commit', status: '200' })).to.equal(2);
      expect(sample(text, 'openamr_db_pool_connections', { state: 'used' })).to.be.a('number');
      expect(text).to.match(/^openamr_process_cpu_seconds_total \d/m);
    });
  });

  describe('GET /health, /health/live, /health/ready', () => {
    it('answers ok when started with the database reachable, and 503 for readiness once the database is gone (liveness stays 200)', async () => {
      const node = await createTestApp({});
      try {
        expect((await node.inject({ method: 'GET', url: '/health/live' })).json()).to.deep.equal({ status: 'ok' });
        const ready = await node.inject({ method: 'GET', url: '/health/ready' });
        expect([ready.statusCode, ready.json()]).to.deep.equal([200, { status: 'ok' }]);
        expect((await node.inject({ method: 'GET', url: '/health' })).json()).to.include({ status: 'ok', database: 'ok' });
        // The node's connections end: every query now fails as it does when the server is down.
        await node.database.knex.destroy();
        const gone = await node.inject({ method: 'GET', url: '/health/ready' });
        expect([gone.statusCode, gone.json()]).to.deep.equal([503, { status: 'unavailable' }]);
        const health = await node.inject({ method: 'GET', url: '/health' });
        expect([health.statusCode, health.json().database, health.json().status]).to.deep.equal([503, 'unreachable', 'error']);
        expect((await node.inject({ method: 'GET', url: '/health/live' })).statusCode).to.equal(200);
      } finally {
        await node.close().catch(() => undefined);
      }
    });
  });
});
