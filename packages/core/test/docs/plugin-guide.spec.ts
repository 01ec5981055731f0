import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-database.js';
import { freePort, waitForHealth } from '../../src/testing/processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GUIDE = join(ROOT, 'docs/plugin-guide.md');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The guide's files, as a new user copies them: fences marked `file=<path>` (in the plugin's folder unless `folder=openamr`). */
function guideFiles(): Array<{ folder: string; path: string; text: string }> {
  return [...readFileSync(GUIDE, 'utf8').matchAll(/^```\w+ file=(\S+)(?: folder=(\S+))?\n([\s\S]*?)^```/gm)].map((m) => ({ folder: m[2] ?? 'acme-plugin', path: m[1]!, text: m[3]! }));
}


/** The environment of a user's shell: no TypeScript loader, no `source` condition (mocha passes ours to this process only). */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _n, ...env } = process.env;
  return { ...env, NPM_CONFIG_UPDATE_NOTIFIER: 'false', LOG_LEVEL: 'warn', ...extra };
}

function npm(cwd: string, script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** What `npm install` leaves in the plugin's node_modules: the checkout's core linked (a `file:` folder outside the project), the rest from the registry — here the checkout's copies, so the test needs no network. */
function installDependencies(pluginDir: string, pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): void {
  for (const [name, spec] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const from = spec.startsWith('file:') ? join(pluginDir, spec.slice(5)) : join(ROOT, 'node_modules', name);
    expect(existsSync(join(from, 'package.json')), `${name} (${spec}) is not available`).to.equal(true);
    const to = join(pluginDir, 'node_modules', name);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(relative(dirname(to), from), to);
  }
  const bin = join(pluginDir, 'node_modules/.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync('../typescript/bin/tsc', join(bin, 'tsc'));
  symlinkSync('../mocha/bin/mocha.js', join(bin, 'mocha'));
}

describe('docs/plugin-guide.md: the walk-through builds a plugin that the compiled openamr serve loads and runs', function () {
  this.timeout(600_000);
  const dir = mkdtempSync(join(tmpdir(), 'openamr-guide-'));
  const pluginDir = join(dir, 'acme-plugin');
  // Stands for the user's OpenAMR folder: its openamr.config.json and node_modules (the core itself runs from this checkout).
  const openamrDir = join(dir, 'openamr');
  let server: ChildProcess | undefined;
  let output = '';
  let db: TestDatabase | undefined;
  let url = '';
  let cookie = '';

  before(async () => {
    const files = guideFiles();
    expect(files.map((f) => `${f.folder}/${f.path}`).sort()).to.deep.equal([
      'acme-plugin/package.json',
      'acme-plugin/src/device-types/acme-water.ts',
      'acme-plugin/src/drivers/acme-folder-driver.ts',
      'acme-plugin/src/index.ts',
      'acme-plugin/src/reports/acme-meters-report.ts',
      'acme-plugin/test/acme.spec.ts',
      'acme-plugin/test/fixtures/march/expected.json',
      'acme-plugin/test/fixtures/march/input.csv',
      'acme-plugin/tsconfig.json',
      'acme-plugin/web/amr-acme-folder-settings.js',
      'openamr/openamr.config.json',
    ]);
    for (const f of files) {
      const to = join(dir, f.folder, f.path);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, f.text);
    }
    // The checkout at `../openamr` of the guide's `file:` dependency is this repository.
    symlinkSync(ROOT, join(dir, 'openamr-checkout'));
    const pkg = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8'));
    pkg.devDependencies['@openamr/core'] = pkg.devDependencies['@openamr/core'].replace('../openamr/', '../openamr-checkout/');
    installDependencies(pluginDir, pkg);
    // `npm start` builds OpenAMR first (its prestart); the core is what this test starts.
    const core = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'packages/core')], { encoding: 'utf8' });
    if (core.status !== 0) console.warn(`tsc -b packages/core reported errors (emitted anyway):\n${core.stdout}`);
    expect(existsSync(join(ROOT, 'packages/core/dist/src/cli/run.js'))).to.equal(true);
  });

  after(async () => {
    server?.kill('SIGKILL');
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds with `npm run build` to dist/, as package.json exports it', () => {
    const r = npm(pluginDir, 'build', plainEnv());
    expect(r.code, r.output).to.equal(0);
    const pkg = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8'));
    expect(existsSync(join(pluginDir, pkg.exports['.'].default))).to.equal(true);
    expect(pkg.files).to.include('web');
  });

  it('passes its own tests (`npm test`: the conformance kit and a whole node) on plain Node.js', () => {
    const r = npm(pluginDir, 'test', plainEnv());
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.match(/reader driver acme\.folder \(conformance\)/).and.match(/reads fixture "march" exactly as expected\.json says/);
    expect(r.output).to.match(/\d+ passing/).and.not.match(/failing/);
  });

  it('is installed next to OpenAMR, named in openamr.config.json and loaded by the compiled openamr serve', async () => {
    // What `npm install ../acme-plugin` leaves: a link to the folder.
    mkdirSync(join(openamrDir, 'node_modules/@acme'), { recursive: true });
    symlinkSync(relative(join(openamrDir, 'node_modules/@acme'), pluginDir), join(openamrDir, 'node_modules/@acme/openamr-plugin'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    let database: Record<string, string> = { OPENAMR_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' };
    if (process.env.TEST_DATABASE_URL) {
      db = await createTestDatabase();
      database = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema };
    }
    server = spawn(process.execPath, [join(ROOT, 'packages/core/bin/openamr.js'), 'serve'], {
      cwd: openamrDir,
      env: plainEnv({ ...database, PORT: String(port), HOST: '127.0.0.1', OPENAMR_CONFIG: '', OPENAMR_ADMIN_PASSWORD: 'guide-password-1', OPENAMR_SCHEDULER: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    await waitForHealth(url, server, () => output);
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@openamr.local', password: 'guide-password-1' }) });
    expect(login.status).to.equal(200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const plugins = (await get('/api/plugins')).items as Array<{ id: string; name: string; version: string; webParts: Array<{ url: string }> }>;
    expect(plugins.map((p) => p.id)).to.include('acme');
    expect(plugins.find((p) => p.id === 'acme')).to.deep.include({ name: '@acme/openamr-plugin', version: '1.0.0', deviceTypes: ['acme.water'], readerDrivers: ['acme.folder'], reportGenerators: ['acme.meters'] });
    expect((await get('/api/device-types')).items.find((t: { id: string }) => t.id === 'acme.water')).to.include({ kind: 'water-meter', primaryQuantity: 'volume' });
    const driver = (await get('/api/concentrator-types')).drivers.find((d: { id: string }) => d.id === 'acme.folder');
    expect(driver.settingsSchema.required).to.deep.equal(['folder']);
    expect((await get('/api/reports')).items.map((g: { id: string }) => g.id)).to.include('acme.meters');
    const part = await fetch(`${url}${plugins.find((p) => p.id === 'acme')!.webParts[0]!.url}`);
    expect(part.status).to.equal(200);
    expect(part.headers.get('content-type')).to.contain('javascript');
  });

  it('polls the driver and generates the report over HTTP', async () => {
    expect(cookie, 'the server did not start').to.not.equal('');
    const folder = join(dir, 'gateway');
    mkdirSync(folder);
    writeFileSync(join(folder, '2024-03-01.csv'), 'serial;date;value\nACME-1;01.03.2024;12,5\n');
    const b = await send('POST', '/api/buildings', { name: 'Acme', address: 'ул. Тестовая, 1' });
    const p = await send('POST', `/api/buildings/${b.id}/premises`, { number: '1', area: 30, kind: 'residential' });
    await send('POST', '/api/meters', { serial: 'ACME-1', deviceTypeId: 'acme.water', premiseId: p.id });
    const c = await send('POST', '/api/concentrators', { buildingId: b.id, type: 'generic', driverId: 'acme.folder', settings: { folder } });
    const run = await send('POST', `/api/concentrators/${c.id}/poll`);
    let r;
    for (let i = 0; i < 400; i++) {
      r = await get(`/api/poll-runs/${run.runId}`);
      if (r.outcome !== 'running') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(r).to.include({ outcome: 'ok', readingsStored: 1 });
    const report = await send('POST', '/api/reports/acme.meters', { buildingId: b.id, from: '2024-03-01', to: '2024-03-31', format: 'json' });
    expect(report.explanation.rows).to.deep.equal([{ serial: 'ACME-1', day: '2024-03-01', value: '12.5' }]);
  });

  it('mounts its web part as the concentrator form does: value in, the whole settings in amr-change, accepted by the driver', async function () {
    expect(cookie, 'the server did not start').to.not.equal('');
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing`);
      this.skip();
    }
    const part = (await get('/api/plugins')).items.find((p: { id: string }) => p.id === 'acme').webParts[0];
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/documentation`);
      // Browser code as text: the core is compiled without the DOM library.
      await page.evaluate(`(async () => {
        await import(${JSON.stringify(part.url)});
        const host = document.createElement('div');
        host.id = 'form';
        document.body.append(host);
        const root = host.attachShadow({ mode: 'open' }); // the concentrator form lives in a shadow root
        const el = document.createElement(${JSON.stringify(part.tagName)});
        el.value = {};
        window.changes = [];
        el.addEventListener('amr-change', (e) => window.changes.push(e.detail));
        root.append(el);
      })()`);
      await page.locator(`${part.tagName} input`).fill('/srv/acme/gateway');
      const changes = (await page.evaluate('window.changes')) as unknown[];
      const settings = changes.at(-1) as Record<string, unknown>;
      expect(settings).to.deep.equal({ folder: '/srv/acme/gateway' });
      const shown = await page.evaluate(`(() => {
        const el = document.getElementById('form').shadowRoot.querySelector(${JSON.stringify(part.tagName)});
        el.value = { folder: '/var/lib/acme' };
        return el.querySelector('input').value;
      })()`);
      expect(shown).to.equal('/var/lib/acme');
      const b = await send('POST', '/api/buildings', { name: 'Acme 2', address: 'ул. Тестовая, 2' });
      const c = await send('POST', '/api/concentrators', { buildingId: b.id, type: 'generic', driverId: part.for, settings });
      expect(c.settings).to.deep.equal({ folder: '/srv/acme/gateway' });
    } finally {
      await browser.close();
    }
  });

  async function get(path: string) {
    const res = await fetch(`${url}${path}`, { headers: { cookie } });
    expect(res.status, `GET ${path}`).to.equal(200);
    return res.json() as Promise<any>;
  }

  async function send(method: string, path: string, body?: unknown) {
    const res = await fetch(`${url}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).to.be.oneOf([200, 201, 202]);
    return JSON.parse(text);
  }
});
