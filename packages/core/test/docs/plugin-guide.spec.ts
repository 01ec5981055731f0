import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GUIDE = join(ROOT, 'docs/plugin-guide.md');

/** The plugin guide's files, as a new user copies them (fences marked `file=…`). */
function guideFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of readFileSync(GUIDE, 'utf8').matchAll(/```\w+ file=(\S+)\n([\s\S]*?)```/g)) files.set(m[1]!, m[2]!);
  return files;
}

describe('docs/plugin-guide.md: the walk-through builds a plugin that loads and works', () => {
  let app: TestApp;
  // Inside the repository, so `@openamr/core` resolves as it does for an installed plugin.
  const dir = mkdtempSync(join(ROOT, 'packages/core/test/docs/.guide-'));
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the guide’s files, loads the plugin, polls its driver and generates its report', async () => {
    const files = guideFiles();
    expect([...files.keys()].sort()).to.deep.equal(['package.json', 'src/device-types/acme-water.ts', 'src/drivers/acme-folder-driver.ts', 'src/index.ts', 'src/reports/acme-meters-report.ts']);
    for (const [name, text] of files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    app = await createTestApp({ plugins: [{ package: join(dir, 'src/index.ts') }] });
    const cookie = (await app.loginAs('manager'))!;
    const plugins = (await app.inject({ method: 'GET', url: '/api/plugins', cookie })).json().items;
    expect(plugins.find((p: { id: string }) => p.id === 'acme')).to.deep.include({ deviceTypes: ['acme.water'], readerDrivers: ['acme.folder'], reportGenerators: ['acme.meters'] });

    const folder = join(dir, 'gateway');
    mkdirSync(folder);
    writeFileSync(join(folder, '2024-03-01.csv'), 'serial;date;value\nACME-1;01.03.2024;12,5\n');
    const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Acme', address: 'x' } })).json();
    const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie, payload: { number: '1', area: 30, kind: 'residential' } })).json();
    expect((await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: 'ACME-1', deviceTypeId: 'acme.water', premiseId: p.id } })).statusCode).to.equal(201);
    const c = (await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId: b.id, type: 'generic', driverId: 'acme.folder', settings: { folder } } })).json();
    const run = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie })).json();
    let r;
    for (let i = 0; i < 200; i++) {
      r = (await app.inject({ method: 'GET', url: `/api/poll-runs/${run.runId}`, cookie })).json();
      if (r.outcome !== 'running') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(r).to.include({ outcome: 'ok', readingsStored: 1 });
    const report = await app.inject({ method: 'POST', url: '/api/reports/acme.meters', cookie, payload: { buildingId: b.id, from: '2024-03-01', to: '2024-03-31', format: 'json' } });
    expect(report.statusCode, report.payload).to.equal(201);
    expect(report.json().explanation.rows).to.deep.equal([{ serial: 'ACME-1', day: '2024-03-01', value: '12.5' }]);
  });
});
