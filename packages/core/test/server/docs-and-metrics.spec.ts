import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

describe('server: /openapi.json, /documentation and /metrics', () => {
  let app: TestApp;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }], config: { demo: true } });
  });
  after(() => app?.close());

  it('documents every route of the server with its parameters, body and access', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).to.equal(200);
    const doc = res.json();
    expect(doc.openapi).to.equal('3.0.3');
    const missing: string[] = [];
    for (const route of app.server.table()) {
      const path = route.path.replace(/\{(\w+)\*?\d*\}/g, '{$1}');
      if (!doc.paths[path]?.[route.method]) missing.push(`${route.method.toUpperCase()} ${route.path}`);
    }
    expect(missing).to.deep.equal([]);
    const create = doc.paths['/api/buildings'].post;
    expect(create['x-access']).to.equal('manager');
    expect(create.requestBody.content['application/json'].schema.required).to.deep.equal(['name', 'address']);
    const one = doc.paths['/api/meters/{id}'].get;
    expect(one.parameters.map((p: { name: string; in: string }) => [p.name, p.in])).to.deep.include(['id', 'path']);
    expect(doc.paths['/api/auth/login'].post.security).to.deep.equal([]);
    const page = await app.inject({ method: 'GET', url: '/documentation' });
    expect(page.statusCode).to.equal(200);
    expect(page.payload).to.contain("url: '/openapi.json'");
    const asset = await app.inject({ method: 'GET', url: '/documentation/swagger-ui-bundle.js' });
    expect(asset.statusCode).to.equal(200);
    expect(asset.headers['content-type']).to.contain('javascript');
    expect((await app.inject({ method: 'GET', url: '/documentation/..%2Fpackage.json' })).statusCode).to.equal(404);
  });

  it('answers Prometheus text with HTTP latency, polls, readings, imports, reports and the database pool', async () => {
    const cookie = (await app.loginAs('manager'))!;
    const buildingId = (await app.inject({ method: 'GET', url: '/api/buildings', cookie })).json().items[0].id;
    await app.inject({ method: 'POST', url: '/api/reports/example.meter-list', cookie, payload: { buildingId, from: '2024-01-01', to: '2024-01-31' } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/plain');
    const text = res.payload;
    for (const name of ['openamr_http_request_duration_seconds_bucket', 'openamr_polls_total', 'openamr_readings_stored_total', 'openamr_import_rows_total', 'openamr_report_duration_seconds_count', 'openamr_db_pool_connections', 'openamr_process_cpu_seconds_total']) {
      expect(text, name).to.contain(name);
    }
    expect(text).to.match(/openamr_http_request_duration_seconds_count\{method="get",route="\/api\/buildings",status="200"\} 1/);
    expect(text).to.match(/openamr_report_duration_seconds_count\{generator="example.meter-list"\} 1/);
  });
});
