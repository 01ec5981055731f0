import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReportDataSource, createTestApp, describeReportFixtures, describeReportGenerator, type TestApp } from '@openamr/core/testing';
import { TechnicalReport, type TechnicalExplanation } from '../src/index.js';

describeReportFixtures({
  generatorId: 'technical.data-completeness',
  plugins: [{ package: '@openamr/report-technical' }, { package: '@openamr/plugin-example' }],
  fixturesDir: new URL('./fixtures/', import.meta.url).pathname,
});

describe('report-technical: technical.data-completeness on the demo building', () => {
  let app: TestApp;
  let buildingId: string;
  let cookie: string;
  let concentratorId: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/report-technical' }, { package: '@openamr/plugin-example' }], config: { demo: true } });
    cookie = (await app.loginAs('manager'))!;
    buildingId = (await app.inject({ method: 'GET', url: '/api/buildings?q=Примерная', cookie })).json().items[0].id;
    // A concentrator delivers January 2025 for Кв.1 (every day, a leak on the 5th) and Кв.4 (until the 3rd).
    const dir = mkdtempSync(join(tmpdir(), 'amr-tech-'));
    const lines = ['serial;date;value;error_code'];
    for (const d of ['02', '03', '04', '05']) {
      lines.push(`В1-ГВС;2025-01-${d};${600 + Number(d)};`, `В1-ХВС;2025-01-${d};${900 + Number(d)};${d === '05' ? 'E1' : ''}`);
      if (d <= '03') lines.push(`В4-ГВС;2025-01-${d};${800 + Number(d)};`, `В4-ХВС;2025-01-${d};${1200 + Number(d)};`);
    }
    writeFileSync(join(dir, 'jan.csv'), lines.join('\n') + '\n');
    const c = await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId, type: 'sonocollect-110', host: '10.0.0.7', name: 'Подвал', driverId: 'example.fixture-file', settings: { path: join(dir, 'jan.csv') } } });
    expect(c.statusCode, c.payload).to.equal(201);
    concentratorId = c.json().id;
    const run = await app.inject({ method: 'POST', url: `/api/concentrators/${concentratorId}/poll`, cookie });
    for (let i = 0; i < 200; i++) {
      const r = (await app.inject({ method: 'GET', url: `/api/poll-runs/${run.json().runId}`, cookie })).json();
      if (r.outcome !== 'running') {
        expect(r.readingsStored, JSON.stringify(r.problems)).to.equal(12);
        break;
      }
      await new Promise((res) => setTimeout(res, 25));
    }
  });
  after(() => app?.close());

  describeReportGenerator(TechnicalReport, () => ({
    params: { buildingId, from: '2025-01-01', to: '2025-01-05', format: 'xlsx' },
    data: createReportDataSource(app.database.knex),
    premisesOf: (out) => (out.explanation as TechnicalExplanation).meters.map((m) => m.premise),
    fileName: (format) => `С 2025-01-01 по 2025-01-05 ул. Примерная, 1.${format}`,
    http: () => ({ inject: app.inject, cookie }),
  }));

  it('counts expected, received and missing days per meter, worst first, with the error, state and concentrator', async () => {
    const run = (await app.inject({ method: 'POST', url: '/api/reports/technical.data-completeness', cookie, payload: { buildingId, from: '2025-01-01', to: '2025-01-05', format: 'json' } })).json();
    const bySerial = new Map(run.explanation.meters.map((m: { serial: string }) => [m.serial, m]));
    expect(bySerial.get('В1-ХВС')).to.include({ expected: 5, received: 5, missing: 0, lastReadingDay: '2025-01-05', errorCode: 'E1', errorDescription: 'Утечка', state: 'error', concentrator: 'Подвал · 10.0.0.7 · sonocollect-110', lastPollOutcome: 'ok' });
    expect(bySerial.get('В4-ГВС')).to.include({ expected: 5, received: 3, missing: 2, lastReadingDay: '2025-01-03', concentratorId });
    // The meter silent since October: no reading at all in the period; the replaced meter is not in it.
    expect(bySerial.get('В3-ГВС')).to.include({ expected: 5, received: 0, missing: 5, lastReadingDay: '2024-09-30', concentrator: null });
    expect(bySerial.has('В2-ХВС')).to.equal(false);
    // Allocators have no 2025 readings: 5 missing each; they and В3-ГВС come first.
    const missing = run.explanation.meters.map((m: { missing: number }) => m.missing);
    expect(missing).to.deep.equal([...missing].sort((a: number, b: number) => b - a));
    expect(run.explanation.meters[0].missing).to.equal(5);

    const summary = run.explanation.concentrators.find((s: { concentratorId: string }) => s.concentratorId === concentratorId);
    expect(summary).to.include({ meters: 4, silent: 2, silentSince: '2025-01-04', summary: '2 из 4 приборов молчат с 2025-01-04', lastPollOutcome: 'ok' });
    const manual = run.explanation.concentrators.find((s: { concentratorId: string | null }) => s.concentratorId === null);
    expect(manual.concentrator).to.equal('Без концентратора (ручной ввод, файлы)');
    // 14 allocators and 5 water and heat meters read by hand, none on the 5th.
    expect(manual).to.include({ meters: 19, silent: 19 });
  });

  it('writes the meters and the concentrator summary as sheets', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/reports/technical.data-completeness?download=true', cookie, payload: { buildingId, from: '2025-01-01', to: '2025-01-05' } });
    expect(res.statusCode, res.payload).to.equal(201);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const rows: unknown[][] = [];
    wb.getWorksheet('Концентраторы')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[0] === 'Подвал · 10.0.0.7 · sonocollect-110')).to.deep.equal(['Подвал · 10.0.0.7 · sonocollect-110', 4, 2, '2025-01-04', 'успешно', '2 из 4 приборов молчат с 2025-01-04']);
    const meters: unknown[][] = [];
    wb.getWorksheet('Приборы')!.eachRow((row) => meters.push((row.values as unknown[]).slice(1)));
    const leak = meters.find((r) => r[1] === 'В1-ХВС')!;
    expect(leak.slice(0, 10)).to.deep.equal(['Кв.1', 'В1-ХВС', 'Счетчик воды', 5, 5, 0, '2025-01-05', 'E1', 'Утечка', 'ошибка']);
  });
});
