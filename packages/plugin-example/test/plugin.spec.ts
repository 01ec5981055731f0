import { expect } from 'chai';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDriverContext,
  createReportDataSource,
  createTestApp,
  describeDeviceType,
  describeReaderDriver,
  describeReportGenerator,
  type TestApp,
} from '@openamr/core/testing';
import { ConnectionError } from '@openamr/core/plugin-api';
import { main } from '@openamr/core';
import plugin, { exampleWaterMeter, FixtureFileDriver, MeterListReport } from '../src/index.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const target = (settings: { path: string }) => ({ id: 'c1', buildingId: 'b1', type: 'generic', settings, timeZone: 'Europe/Moscow' });

describeDeviceType(exampleWaterMeter);

describeReaderDriver(FixtureFileDriver, {
  validSettings: { path: '/var/lib/readings.csv' },
  invalidSettings: [{}, { path: 'relative/readings.csv' }, { path: 42 }],
  fixturesDir: fixtures,
  target: (dir) => target({ path: join(dir, 'input.csv') }),
});

describe('plugin-example', () => {
  let app: TestApp;
  let buildingId: string;
  let cookie: string;

  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }] });
    cookie = (await app.loginAs('operator'))!;
    const db = app.database.knex;
    [{ id: buildingId }] = await db('buildings').insert({ name: 'Дом 1', address: 'ул. Тестовая, 1' }).returning('id');
    const [{ id: premiseId }] = await db('premises').insert({ building_id: buildingId, number: '1', area: '50.5', kind: 'residential' }).returning('id');
    const [{ id: meterId }] = await db('meters').insert({ serial: 'EX-1001', device_type_id: 'example.water-meter', premise_id: premiseId }).returning('id');
    await db('meters').insert({ serial: 'EX-1002', device_type_id: 'example.water-meter', premise_id: premiseId });
    const [{ id: premise2 }] = await db('premises').insert({ building_id: buildingId, number: '2', area: '40.0', kind: 'residential' }).returning('id');
    const [{ id: meter2 }] = await db('meters').insert({ serial: 'EX-2001', device_type_id: 'example.water-meter', premise_id: premise2 }).returning('id');
    await db.raw(`create table if not exists readings_2024_01 partition of readings for values from ('2024-01-01') to ('2024-02-01')`);
    await db('readings').insert({ meter_id: meterId, taken_at: '2024-01-10T00:00:00Z', day: '2024-01-10', value: '12.5', unit: 'm3', source: 'manual', source_key: 'k1' });
    await db('readings').insert({ meter_id: meter2, taken_at: '2024-01-20T00:00:00Z', day: '2024-01-20', value: '3.25', unit: 'm3', source: 'manual', source_key: 'k2' });
  });
  after(() => app?.close());

  describeReportGenerator(MeterListReport, () => ({
    params: { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'csv' },
    data: createReportDataSource(app.database.knex),
    check: (out, format) => {
      if (format === 'json') expect(JSON.parse(String(out.content)).rows).to.have.length(3);
    },
    premisesOf: (out, format) =>
      format === 'json'
        ? JSON.parse(String(out.content)).rows.map((r: { premise: string }) => r.premise)
        : String(out.content).replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(';')[0]!),
    fileName: (format) => `Приборы Дом 1 на 2024-01-31.${format}`,
    http: () => ({ inject: app.inject, cookie }),
  }));

  describe('registration', () => {
    it('is listed by GET /api/plugins with its extensions and web part', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/plugins', cookie: await app.loginAs('operator') });
      expect(res.statusCode).to.equal(200);
      const item = res.json().items.find((p: { id: string }) => p.id === 'example');
      expect(item).to.deep.include({
        name: '@openamr/plugin-example',
        deviceTypes: ['example.water-meter'],
        readerDrivers: ['example.fixture-file'],
        reportGenerators: ['example.meter-list'],
        commands: ['example read'],
      });
      expect(item.webParts[0]).to.include({ tagName: 'amr-example-settings', url: '/plugins/example/amr-example-settings.js' });
    });

    it('finds its web/ folder from the built dist/src/index.js too (npm start runs that)', async function () {
      const built = new URL('../dist/src/index.js', import.meta.url);
      if (!existsSync(built)) return this.skip(); // npm install builds it
      const compiled = (await import(built.href)).default as typeof plugin;
      expect(compiled.webAssets!.href).to.equal(new URL('../web/', import.meta.url).href);
      expect(plugin.webAssets!.href).to.equal(new URL('../web/', import.meta.url).href);
    });

    it('serves its web part module and refuses paths outside its folder', async () => {
      const ok = await app.inject({ method: 'GET', url: '/plugins/example/amr-example-settings.js' });
      expect(ok.statusCode).to.equal(200);
      expect(ok.payload).to.contain("customElements.define('amr-example-settings'");
      const escape = await app.inject({ method: 'GET', url: '/plugins/example/..%2Fpackage.json' });
      expect(escape.statusCode).to.be.oneOf([403, 404]);
    });

    it('mirrors its device type into the device_types table', async () => {
      const row = await app.database.knex('device_types').where({ id: 'example.water-meter' }).first();
      expect(row).to.include({ plugin_id: 'example', kind: 'water-meter', primary_quantity: 'volume' });
    });

    it('declares itself without side effects (frozen, branded definition)', () => {
      expect(Object.isFrozen(plugin)).to.equal(true);
      expect(plugin.id).to.equal('example');
    });
  });

  describe('MeterListReport', () => {
    it('lists the meters with their last reading and warns about silent ones', async () => {
      const out = await new MeterListReport().generate(
        { buildingId, from: '2024-01-01', to: '2024-01-31', format: 'csv' },
        { data: createReportDataSource(app.database.knex) } as never,
      );
      expect(out.fileName).to.equal('Приборы Дом 1 на 2024-01-31.csv');
      const lines = String(out.content).replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines).to.deep.equal([
        'Помещение;Серийный номер;Тип;Дата показания;Показание',
        '1;EX-1001;example.water-meter;2024-01-10;12.5',
        '1;EX-1002;example.water-meter;;',
        '2;EX-2001;example.water-meter;2024-01-20;3.25',
      ]);
      expect(out.warnings).to.deep.equal(['EX-1002: нет показаний до 2024-01-31']);
    });
  });

  describe('FixtureFileDriver', () => {
    it('throws ConnectionError for a missing file (a dead concentrator)', async () => {
      const session = await new FixtureFileDriver().open(target({ path: '/nonexistent/file.csv' }), createDriverContext());
      let error: unknown;
      try {
        for await (const _ of session.read()) void _;
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConnectionError);
      await session.close();
    });

    it('check() tells whether the file is reachable', async () => {
      const driver = new FixtureFileDriver();
      expect((await driver.check(target({ path: join(fixtures, 'two-meters', 'input.csv') }))).ok).to.equal(true);
      expect((await driver.check(target({ path: '/nonexistent.csv' }))).ok).to.equal(false);
    });
  });

  describe('openamr example read', () => {
    it('prints the parsed batch on stdout and problems on stderr; --strict exits 1', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'amr-example-'));
      writeFileSync(join(dir, 'r.csv'), 'serial;date;value\nA;2024-01-01;1\nB;2024-01-xx;2\n');
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        stdout: { write: (s: string) => out.push(s) } as never,
        stderr: { write: (s: string) => err.push(s) } as never,
        env: { OPENAMR_CONFIG: join(fixtures, '..', 'openamr.config.json'), LOG_LEVEL: 'silent' },
        cwd: dir,
      };
      expect(await main(['example', 'read', 'r.csv'], io)).to.equal(0);
      expect(JSON.parse(out.join('')).readings).to.have.length(1);
      expect(err.join('')).to.contain('r.csv:3:2:');
      expect(await main(['example', 'read', 'r.csv', '--strict'], io)).to.equal(1);
      expect(await main(['example', 'read'], io)).to.equal(2);
    });
  });
});
