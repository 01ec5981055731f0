import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, launchBrowser } from './browser.js';
import { ADMIN, startServer, type RunningServer } from './server.js';
import { parseHex, startMbusSimulator } from '@openamr/plugin-mbus';

const EXAMPLES = fileURLToPath(new URL('../../../../shared/spec/examples/', import.meta.url));
interface ExpectedPremise {
  id: string;
  method: string;
  gcal: string;
  units?: string;
  estimated?: number;
}
const EXAMPLE_1 = {
  input: JSON.parse(readFileSync(join(EXAMPLES, 'example-1.input.json'), 'utf8')) as { options: Record<string, unknown> },
  expected: JSON.parse(readFileSync(join(EXAMPLES, 'example-1.expected.json'), 'utf8')) as { heatGcal: string; heatSource: string; coveredArea: string; totalArea: string; premises: ExpectedPremise[] },
};
/** How the workbook names the methods and the heat source (report-allocators' texts). */
const METHOD: Record<string, string> = { allocators: 'По распределителям', 'heat-meter': 'По теплосчетчику', 'area-norm': 'По нормативу', 'area-average': 'По площади (среднее)' };
const HEAT_SOURCE: Record<string, string> = { 'building-meter': 'показания ОДПУ', manual: 'введено вручную (фактический расход ТЭ)' };

/** The sheet «Расчет» read back: the header block (label → value) and a row per premise. */
function allocationSheet(wb: ExcelJS.Workbook) {
  const ws = wb.getWorksheet('Расчет')!;
  const value = (v: ExcelJS.CellValue): unknown => (v && typeof v === 'object' && 'result' in v ? v.result : v);
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1).map(value)));
  const headerAt = rows.findIndex((r) => r[0] === 'Помещение');
  expect(headerAt, 'the premises header of «Расчет»').to.be.greaterThan(0);
  const header: Record<string, any> = Object.fromEntries(rows.slice(1, headerAt).filter((r) => typeof r[0] === 'string').map((r) => [r[0], r[1]]));
  const premises = rows
    .slice(headerAt + 1)
    .filter((r) => r[0] !== 'Итого' && r[0] !== undefined)
    .map((r) => ({ id: String(r[0]), method: r[3] as string, estimated: r[5] as number | null, units: r[6] as number | null, gcal: r[7] as number | null }));
  return { header, premises };
}

const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/**
 * Issue 10's check: a new user does a month's work on the demo building in Chromium —
 * imports readings, calculates allocation and water, downloads the workbooks, sets up a
 * concentrator and reads it now.
 */
describe('web: a month of work on the demo building (Chromium against `openamr serve` with OPENAMR_DEMO=1)', function () {
  this.timeout(180_000);
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];
  const button = (name: string) => page.getByRole('button', { name, exact: true });

  before(async function () {
    browser = await launchBrowser(this);
    await buildWeb();
    server = await startServer({ OPENAMR_DEMO: '1' });
    url = server.url;
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(url);
    await page.locator('input[type=email][name=email]').fill(ADMIN.email);
    await page.locator('input[type=password][name=password]').fill(ADMIN.password);
    await button('Войти').click();
    await page.getByRole('table', { name: 'Обзор' }).getByRole('link', { name: 'ул. Примерная, 1' }).click();
    await page.getByRole('heading', { level: 2, name: 'ул. Примерная, 1' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('imports a readings file: the dry run names the bad line, then the valid rows are stored', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'amr-month-')), 'april.csv');
    writeFileSync(file, 'serial;date;value\nA1-1;01.04.2024;1900\nA1-2;01.04.2024;1300\nNOPE-1;01.04.2024;5\n');
    await page.locator('amr-import input[type=file]').setInputFiles(file);
    const dry = page.getByRole('region', { name: 'Проверка файла' });
    await dry.getByText('2 новых, 0 уже были, 1 с ошибками').waitFor();
    expect(await dry.getByRole('table').innerText()).to.contain('4').and.to.contain('NOPE-1');
    await dry.getByLabel('Сохранить верные строки, пропустив ошибочные').check();
    await button('Сохранить показания').click();
    await page.getByRole('status').getByText(/^Сохранено: 2 новых/).waitFor();
    // The same file again stores nothing new.
    await page.locator('amr-import input[type=file]').setInputFiles(file);
    await dry.getByText('0 новых, 2 уже были, 1 с ошибками').waitFor();
    await button('Отмена').click();
  });

  it('previews the January allocation with each premise’s derivation and downloads its workbook under its name', async () => {
    const calc = page.getByRole('form', { name: 'Расчёты' });
    await calc.getByLabel('Начало периода').fill('2024-01-01');
    await calc.getByLabel('Конец периода').fill('2024-01-31');
    // example-1's options: majority on, by norm off, the heat from the building meter.
    expect(EXAMPLE_1.input.options).to.deep.equal({ byNorm: false, majority: true, manualHeatGcal: null });
    await calc.getByLabel('Учет помещений с распределителями, передавших более 50% показаний').check();
    await button('Предпросмотр').click();
    const preview = page.getByRole('table', { name: 'Предпросмотр' });
    await preview.getByRole('cell', { name: '▸ Кв.1', exact: true }).waitFor();
    expect(await page.locator('amr-calculations .sub').first().innerText()).to.equal('Итого, Гкал: 9.2000');
    expect(await preview.locator('tbody tr').count()).to.equal(7);
    // A premise's derivation (B1): each allocator's readings, coefficient and reduced units.
    await preview.getByRole('cell', { name: '▸ Кв.1' }).click();
    await preview.getByText('A1-1: 1520 → 1710, Δ 190 × k 1.2 = 228 · reported').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}calculation.png` });
    const [download] = await Promise.all([page.waitForEvent('download'), button('Сгенерировать').click()]);
    expect(download.suggestedFilename()).to.equal('С 2024-01-01 по 2024-01-31 ул. Примерная, 1.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as never);
    expect(wb.worksheets.map((w) => w.name)).to.include('Расчет');
    const sheet = allocationSheet(wb);
    const expected = EXAMPLE_1.expected;
    expect(sheet.header['Q, Гкал']?.toFixed(4)).to.equal(expected.heatGcal);
    expect(sheet.header['Источник Q']).to.equal(HEAT_SOURCE[expected.heatSource]);
    expect(sheet.header['Учет помещений, передавших более 50% показаний']).to.equal('да');
    expect(sheet.header['Площадь дома S, м²']?.toFixed(1)).to.equal(expected.totalArea);
    expect(sheet.header['Охваченная площадь, м²']?.toFixed(1)).to.equal(expected.coveredArea);
    // Every premise's numbers, as example-1.expected.json has them.
    expect(sheet.premises.map((p) => p.id)).to.deep.equal(expected.premises.map((p) => p.id));
    for (const want of expected.premises) {
      const got = sheet.premises.find((p) => p.id === want.id)!;
      const actual = { id: got.id, method: got.method, gcal: got.gcal?.toFixed(4), ...(want.units === undefined ? {} : { units: got.units?.toFixed(4), estimated: got.estimated }) };
      expect(actual, want.id).to.deep.equal({ ...want, method: METHOD[want.method] });
    }
  });

  it('refuses a period that ends before it starts, in words', async () => {
    const calc = page.getByRole('form', { name: 'Расчёты' });
    await calc.getByLabel('Начало периода').fill('2024-02-01');
    await calc.getByLabel('Конец периода').fill('2024-01-01');
    await button('Предпросмотр').click();
    await page.locator('amr-calculations').getByRole('alert').waitFor();
  });

  it('calculates water for the year and downloads it', async () => {
    await page.locator('amr-calculations').getByRole('tab', { name: 'Вода' }).click();
    const calc = page.getByRole('form', { name: 'Расчёты' });
    await calc.getByLabel('Начало периода').fill('2024-06-01');
    await calc.getByLabel('Конец периода').fill('2024-06-30');
    await button('Предпросмотр').click();
    await page.getByRole('table', { name: 'Предпросмотр' }).getByRole('cell', { name: 'В1-ГВС' }).first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), button('Сгенерировать').click()]);
    expect(download.suggestedFilename()).to.equal('С 2024-06-01 по 2024-06-30 ул. Примерная, 1.xlsx');
  });

  it('sets up a Local Storage concentrator with its generated settings form, schedules it in words, and reads it now', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'amr-month-ls-'));
    writeFileSync(join(folder, 'export.csv'), 'serial;date;value\nA2-1;01.05.2024;2000\n');
    await page.getByRole('tab', { name: 'Концентраторы' }).click();
    await button('Добавить концентратор').click();
    const form = page.getByRole('form', { name: 'Добавить концентратор' });
    await form.getByLabel('Название').fill('Подвал');
    await form.locator('select[name=driverId]').selectOption('ftp.local-storage');
    await form.locator('input[name="s.path"]').fill(folder);
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
    await page.getByLabel('Расписание (cron)').fill('0 3 * * *');
    // The schedule in words as it is typed (GET /api/cron-preview).
    await page.locator('amr-concentrators span[aria-live=polite]').filter({ hasText: 'В 03:00' }).waitFor();
    await button('Сохранить расписание').click();
    await page.getByRole('status').getByText('✓ В 03:00').waitFor();
    await button('Считать сейчас').click();
    await page.getByRole('status').getByText('ok: Сохранено 1').waitFor();
    await page.getByRole('table', { name: 'Журнал опросов' }).getByRole('cell', { name: 'ok', exact: true }).waitFor();
    // The statistics of the concentrator (F26) once it is opened again.
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
    await page.getByText('Успешных опросов: 7 дн. — 100%, 30 дн. — 100%; показаний за опрос — 1').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}concentrators.png` });
  });

  it('finds the meters of an M-Bus and says which the registry lacks («Поиск приборов»)', async () => {
    const frame = (n: string) => parseHex(readFileSync(fileURLToPath(new URL(`../../../../shared/corpus/libmbus/frames/${n}`, import.meta.url)), 'utf8'));
    const bus = await startMbusSimulator({ slaves: [{ address: 2, frame: frame('kamstrup_multical_601.hex') }, { address: 9, frame: frame('EFE_Engelmann-WaterStar.hex') }] });
    try {
      await button('Добавить концентратор').click();
      const form = page.getByRole('form', { name: 'Добавить концентратор' });
      await form.getByLabel('Название').fill('Шина M-Bus');
      await form.locator('select[name=driverId]').selectOption('mbus.tcp-gateway');
      await form.locator('input[name=host]').fill('127.0.0.1');
      await form.locator('input[name=port]').fill(String(bus.port));
      await form.locator('textarea[name="s.meters"]').fill('[{"address": 2}]');
      await form.locator('input[name="s.timeoutMs"]').fill('50');
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Шина M-Bus' }).click();
      await button('Поиск приборов').click();
      const found = page.getByRole('table', { name: 'Поиск приборов' });
      await found.getByRole('cell', { name: '4990254' }).waitFor({ timeout: 60_000 });
      const rows = await found.locator('tr').allInnerTexts();
      expect(rows).to.have.length(2);
      expect(rows.find((r) => r.includes('6855817'))).to.contain('mbus.kamstrup-multical-601').and.to.contain('опрашивается');
      expect(rows.find((r) => r.includes('4990254'))).to.contain('нет в реестре');
    } finally {
      await bus.close();
    }
  });

  it('mounts a plugin’s own settings form (a web part) for its driver', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'amr-month-ex-'));
    await button('Добавить концентратор').click();
    const form = page.getByRole('form', { name: 'Добавить концентратор' });
    await form.getByLabel('Название').fill('Пример');
    await form.locator('select[name=driverId]').selectOption('example.fixture-file');
    await form.getByLabel('Путь к файлу показаний (абсолютный)').fill(join(folder, 'readings.csv'));
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Пример' }).waitFor();
    const list = await (await page.request.get(`${url}/api/concentrators?limit=100`)).json();
    expect(list.items.find((c: { name: string }) => c.name === 'Пример').settings).to.deep.include({ path: join(folder, 'readings.csv') });
  });

  it('lists the generated reports in the archive, to download again', async () => {
    await page.getByRole('link', { name: 'Отчёты' }).click();
    const table = page.getByRole('table', { name: 'Отчёты' });
    await table.getByRole('cell', { name: 'allocators.heat-cost' }).first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), table.getByRole('link', { name: 'Скачать' }).first().click()]);
    expect(download.suggestedFilename()).to.match(/^С 2024-06-01 по 2024-06-30 ул\. Примерная, 1\.xlsx$/);
  });

  it('loads an old database from its workbook after showing what it would change («Загрузка старой базы»)', async () => {
    const template = await (await page.request.get(`${url}/api/imports/templates/legacy.xlsx`)).body();
    await page.getByRole('link', { name: 'Обзор' }).click();
    await page.locator('amr-legacy-import input[type=file]').setInputFiles({ name: 'legacy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: template });
    const diff = page.getByRole('region', { name: 'Загрузка старой базы' });
    await diff.getByRole('columnheader', { name: 'создать' }).waitFor();
    expect(await diff.innerText()).to.contain('Радиаторы');
    await diff.getByRole('button', { name: 'Загрузить' }).click();
    await page.getByRole('status').getByText('Старая база загружена').waitFor();
    // Loading it again changes nothing.
    await page.locator('amr-legacy-import input[type=file]').setInputFiles({ name: 'legacy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: template });
    await diff.getByText('0 новых показаний').waitFor();
    const counts = await diff.locator('tbody tr').allInnerTexts();
    expect(counts.every((r) => /\t0\t0\t\d+$/.test(r)), counts.join(' | ')).to.equal(true);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
