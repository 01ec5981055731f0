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
import { FtpSrv } from 'ftp-srv';
import { createServer as netServer, type AddressInfo } from 'node:net';

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

/** A real FTP server (ftp-srv, as plugin-ftp's tests start it) on 127.0.0.1 serving `root` to one user, passive mode. */
async function startFtpServer(o: { root: string; user: string; password: string }) {
  const probe = netServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const silent = { child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
  // ftp-srv installs SIGINT/SIGTERM handlers that exit the process; the test must not keep them.
  const before = new Map((['SIGINT', 'SIGTERM', 'SIGQUIT'] as const).map((sig) => [sig, process.listeners(sig)]));
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: 50000, pasv_max: 60000, log: silent as never });
  for (const [sig, kept] of before) for (const l of process.listeners(sig)) if (!kept.includes(l)) process.removeListener(sig, l);
  server.on('login', ({ username, password }, resolve, reject) => (username === o.user && password === o.password ? resolve({ root: o.root }) : reject(new Error('Login incorrect'))));
  await server.listen();
  return { port, close: () => server.close() };
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
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(url);
    await page.locator('input[type=email][name=email]').fill(ADMIN.email);
    await page.locator('input[type=password][name=password]').fill(ADMIN.password);
    await button('Войти').click();
    await page.getByRole('table', { name: 'Обзор' }).getByRole('link', { name: 'ул. Примерная, 1' }).click();
    await page.getByRole('heading', { level: 1, name: 'ул. Примерная, 1' }).waitFor();
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
    await page.screenshot({ path: `${SCREENSHOTS}import-dry-run.png` });
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
    await preview.getByText('A1-1: 1520 → 1710, Δ 190 × k 1.2 = 228 · передал показания').waitFor();
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

  it('generates the allocation for the premises selected with Ctrl only (F24), computed over the whole building', async () => {
    await page.getByRole('tab', { name: 'Помещения' }).click();
    const rows = page.getByRole('table', { name: 'Помещения' }).locator('tbody tr');
    await rows.filter({ hasText: 'Кв.1' }).first().locator('td').nth(2).click();
    await rows.filter({ hasText: 'Кв.3' }).first().locator('td').nth(2).click({ modifiers: ['Control'] });
    await page.getByText('Выбрано: 2').waitFor();
    const calc = page.getByRole('form', { name: 'Расчёты' });
    expect(await calc.getByLabel('Только выбранные помещения (2)').isChecked()).to.equal(true);
    const [download] = await Promise.all([page.waitForEvent('download'), button('Сгенерировать').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as never);
    const sheet = allocationSheet(wb);
    expect(sheet.premises.map((p) => p.id)).to.deep.equal(['Кв.1', 'Кв.3']);
    // The shares are those of the whole building's calculation, not of two premises alone.
    for (const p of sheet.premises) expect(p.gcal?.toFixed(4), p.id).to.equal(EXAMPLE_1.expected.premises.find((x) => x.id === p.id)!.gcal);
    // The archive keeps the selection with the run.
    const runs = await (await page.request.get(`${url}/api/report-runs?limit=1`)).json();
    expect(runs.items[0].params.premiseIds).to.have.length(2);
    // Ctrl-click again clears the selection: the next reports cover every premise.
    await rows.filter({ hasText: 'Кв.1' }).first().locator('td').nth(2).click({ modifiers: ['Control'] });
    await rows.filter({ hasText: 'Кв.3' }).first().locator('td').nth(2).click({ modifiers: ['Control'] });
    await calc.getByLabel('Только выбранные помещения', { exact: false }).waitFor({ state: 'detached' });
  });

  it('downloads the walk-by task file («Сгенерировать файл для РМ») with the building’s meters', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Сгенерировать файл для РМ' }).click()]);
    expect(download.suggestedFilename()).to.equal('Обход ул. Примерная, 1.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as never);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => cells.push(...(row.values as unknown[]).map(String)));
    expect(cells).to.include.members(['A1-1', 'A2-1', 'В1-ГВС']);
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
    // Named columns and words, not the report's JSON keys and codes.
    const headers = await page.getByRole('table', { name: 'Предпросмотр' }).locator('th').allInnerTexts();
    expect(headers).to.deep.equal(['Помещение', 'Вода', 'Серийный номер', 'Дата начала', 'Показание на начало', 'Дата окончания', 'Показание на конец', 'Расход, м³']);
    const first = (await page.getByRole('table', { name: 'Предпросмотр' }).locator('tbody tr').first().locator('td').allInnerTexts()).slice(0, 4);
    expect(first).to.deep.equal(['Кв.1', 'ГВС', 'В1-ГВС', '01.06.2024']);
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
    await page.getByRole('status').getByText('успешно: сохранено 1').waitFor();
    await page.getByRole('table', { name: 'Журнал опросов' }).getByRole('cell', { name: 'успешно', exact: true }).waitFor();
    // The statistics of the concentrator (F26) once it is opened again.
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
    await page.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
    await page.getByText('Успешных опросов: 7 дн. — 100%, 30 дн. — 100%; показаний за опрос — 1').waitFor();
    // The water preview folded away (a tab of the calculations), so the concentrators fill the screenshot.
    await page.locator('amr-calculations').getByRole('tab', { name: 'Распределители' }).click();
    await page.getByRole('tab', { name: 'Концентраторы' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
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
      await found.getByRole('cell', { name: '4990254', exact: true }).waitFor({ timeout: 60_000 });
      const rows = await found.locator('tr').allInnerTexts();
      expect(rows).to.have.length(2);
      expect(rows.find((r) => r.includes('6855817'))).to.contain('mbus.kamstrup-multical-601').and.to.contain('опрашивается');
      expect(rows.find((r) => r.includes('4990254'))).to.contain('нет в реестре');
      // «Создать»: the meter the registry lacks is created with its serial and detected device type.
      await found.getByRole('button', { name: 'Создать 4990254' }).click();
      await found.getByRole('link', { name: '4990254' }).waitFor();
      expect(await found.locator('tr', { hasText: '4990254' }).innerText()).to.contain('в реестре').and.not.contain('нет в реестре');
      expect(await found.getByRole('button', { name: 'Создать 4990254' }).count()).to.equal(0);
      const created = await (await page.request.get(`${url}/api/meters?q=4990254&limit=5`)).json();
      expect(created.items.map((m: { serial: string; deviceTypeId: string }) => [m.serial, m.deviceTypeId])).to.deep.equal([['4990254', 'mbus.engelmann-waterstar']]);
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

  it('reads an FTP concentrator now: checks the connection, stores its file’s reading for the meter, journals the run; a dead server is «нет связи»', async () => {
    const root = mkdtempSync(join(tmpdir(), 'amr-month-ftp-'));
    writeFileSync(join(root, 'readings.csv'), 'serial;date;value\nA1-2;15.05.2024;1450\n');
    const ftp = await startFtpServer({ root, user: 'reader', password: 'secret' });
    const table = page.getByRole('table', { name: 'Концентраторы' });
    try {
      await button('Добавить концентратор').click();
      const form = page.getByRole('form', { name: 'Добавить концентратор' });
      await form.getByLabel('Название').fill('Чердак FTP');
      await form.locator('select[name=driverId]').selectOption('ftp.indiv-x-total');
      await form.locator('input[name=host]').fill('127.0.0.1');
      await form.locator('input[name=port]').fill(String(ftp.port));
      await form.locator('input[name="s.user"]').fill('reader');
      await form.locator('input[name="s.password"]').fill('secret');
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await table.getByRole('button', { name: 'Чердак FTP' }).click();
      await page.getByRole('table', { name: 'Журнал опросов' }).getByText('Опросов ещё не было').waitFor();
      await button('Проверить соединение').click();
      await page.getByRole('status').getByText(`✓ FTP-сервер 127.0.0.1:${ftp.port} доступен`, { exact: false }).waitFor();
      await button('Считать сейчас').click();
      await page.getByRole('status').getByText('успешно: сохранено 1').waitFor();
      const journal = page.getByRole('table', { name: 'Журнал опросов' });
      const first = journal.locator('tbody tr').first();
      expect(await first.innerText()).to.match(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}\tуспешно\t1/);
      // The reading arrived for its meter, with the poll run as its source.
      const meter = (await (await page.request.get(`${url}/api/meters?q=A1-2&limit=5`)).json()).items.find((m: { serial: string }) => m.serial === 'A1-2');
      const readings = (await (await page.request.get(`${url}/api/meters/${meter.id}/readings?limit=50`)).json()).items;
      const stored = readings.find((r: { date: string }) => r.date === '2024-05-15');
      expect(stored, JSON.stringify(readings.slice(0, 3))).to.not.equal(undefined);
      expect(Number(stored.value)).to.equal(1450);
      expect(stored.pollRunId).to.be.a('string');
      const runs = (await (await page.request.get(`${url}/api/poll-runs/${stored.pollRunId}`)).json());
      expect([runs.outcome, runs.readingsStored]).to.deep.equal(['ok', 1]);
    } finally {
      await ftp.close();
    }
    // The server is gone: the next poll fails as a connection error, in words.
    await button('Считать сейчас').click();
    await page.getByRole('status').getByText('нет связи: сохранено 0').waitFor();
    await page.getByRole('table', { name: 'Журнал опросов' }).getByRole('cell', { name: 'нет связи', exact: true }).waitFor();
  });

  it('edits a concentrator (name, password kept), disables and enables it, and deletes another', async () => {
    const table = page.getByRole('table', { name: 'Концентраторы' });
    await button('Изменить').click();
    const form = page.getByRole('form', { name: 'Изменить концентратор' });
    expect(await form.getByLabel('Название').inputValue()).to.equal('Чердак FTP');
    expect(await form.locator('input[name="s.user"]').inputValue()).to.equal('reader');
    expect(await form.locator('input[name="s.password"]').inputValue()).to.equal('');
    await form.getByLabel('Название').fill('Чердак, FTP');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await table.getByRole('button', { name: 'Чердак, FTP' }).waitFor();
    const list = async () => (await (await page.request.get(`${url}/api/concentrators?limit=100`)).json()).items as Array<{ id: string; name: string; enabled: boolean; secretsSet: string[] }>;
    const ftp = (await list()).find((c) => c.name === 'Чердак, FTP')!;
    expect(ftp.secretsSet).to.deep.equal(['password']);
    // Still open after the edit.
    await button('Отключить опрос').click();
    await table.locator('tr', { hasText: 'Чердак, FTP' }).getByRole('cell', { name: 'отключён' }).waitFor();
    expect((await list()).find((c) => c.id === ftp.id)!.enabled).to.equal(false);
    expect(await button('Считать сейчас').isDisabled()).to.equal(true);
    await button('Включить опрос').click();
    await table.locator('tr', { hasText: 'Чердак, FTP' }).getByRole('cell', { name: 'включён' }).waitFor();
    await table.getByRole('button', { name: 'Пример' }).click();
    await button('Удалить').click();
    await page.getByRole('alertdialog').getByText('Удалить концентратор «Пример» с расписанием и журналом опросов?').waitFor();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Удалить' }).click();
    await page.getByRole('status').getByText('Концентратор удалён').waitFor();
    expect(await table.getByRole('button', { name: 'Пример' }).count()).to.equal(0);
    expect((await list()).map((c) => c.name)).to.not.include('Пример');
  });

  it('shows the latest cron preview however late an earlier answer comes', async () => {
    const table = page.getByRole('table', { name: 'Концентраторы' });
    await table.getByRole('button', { name: 'Подвал' }).click();
    const field = page.getByLabel('Расписание (cron)');
    await field.waitFor();
    // The first preview is held back until after the second has been answered.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let heldBack = 0;
    const earlier = (u: URL) => u.pathname === '/api/cron-preview' && u.searchParams.get('cron') === '0 5 * * *';
    await page.route(earlier, async (route) => {
      heldBack++;
      await held;
      await route.continue();
    });
    await field.fill('0 5 * * *');
    await field.fill('30 6 * * *');
    const words = page.locator('amr-concentrators span[aria-live=polite]');
    await words.filter({ hasText: 'В 06:30' }).waitFor();
    expect(heldBack).to.equal(1);
    const late = page.waitForResponse((r) => earlier(new URL(r.url())));
    release();
    await late;
    await page.waitForTimeout(200);
    expect(await words.innerText()).to.contain('В 06:30');
    expect(await words.innerText()).to.not.contain('05:00');
    await page.unroute(earlier);
  });

  it('previews the technical report in words: each meter’s state and its concentrator’s last poll outcome', async () => {
    await page.locator('amr-calculations').getByRole('tab', { name: 'Технический' }).click();
    const calc = page.getByRole('form', { name: 'Расчёты' });
    await calc.getByLabel('Начало периода').fill('2024-05-01');
    await calc.getByLabel('Конец периода').fill('2024-05-31');
    await button('Предпросмотр').click();
    const preview = page.getByRole('table', { name: 'Предпросмотр' });
    await preview.getByRole('cell', { name: 'A1-2', exact: true }).waitFor();
    expect(await preview.locator('th').allInnerTexts()).to.include.members(['Серийный номер', 'Состояние', 'Концентратор', 'Последний опрос']);
    const row = (await preview.locator('tr', { has: page.getByRole('cell', { name: 'A1-2', exact: true }) }).innerText()).split('\t');
    expect(row).to.include.members(['15.05.2024', 'нет свежих показаний']);
    expect(row.find((c) => c.startsWith('Чердак, FTP')), row.join(' | ')).to.not.equal(undefined);
    expect(row.join(' ')).to.not.match(/connection-error|stale|\bok\b/);
    await page.locator('amr-calculations').getByRole('tab', { name: 'Распределители' }).click();
  });

  it('lists the generated reports in the archive, to download again', async () => {
    await page.getByRole('link', { name: 'Отчёты' }).click();
    const table = page.getByRole('table', { name: 'Отчёты' });
    await table.getByRole('cell', { name: 'Распределение по распределителям' }).first().waitFor();
    expect(await table.innerText()).to.not.contain('allocators.heat-cost');
    expect(await table.innerText()).to.contain('Расход воды по квартирам');
    expect(await table.locator('tbody tr').first().locator('td').first().innerText()).to.match(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    await page.screenshot({ path: `${SCREENSHOTS}reports.png` });
    // In English the generators' English labels and dates.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('table', { name: 'Reports' }).getByRole('cell', { name: 'Water consumption by premise' }).first().waitFor();
    expect(await page.getByRole('table', { name: 'Reports' }).locator('tbody tr', { hasText: 'Water consumption by premise' }).first().innerText()).to.contain('2024-06-01 – 2024-06-30');
    await page.getByRole('button', { name: 'RU', exact: true }).click();
    await table.getByRole('cell', { name: 'Расход воды по квартирам' }).first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), table.locator('tr', { hasText: 'Расход воды по квартирам' }).first().getByRole('link', { name: 'Скачать' }).click()]);
    expect(download.suggestedFilename()).to.match(/^С 2024-06-01 по 2024-06-30 ул\. Примерная, 1\.xlsx$/);
  });

  it('loads an old database from its workbook after showing what it would change («Загрузка старой базы»)', async () => {
    const template = await (await page.request.get(`${url}/api/imports/templates/legacy.xlsx`)).body();
    await page.getByRole('link', { name: 'Обзор' }).click();
    await page.locator('amr-legacy-import input[type=file]').setInputFiles({ name: 'legacy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: template });
    const diff = page.getByRole('region', { name: 'Загрузка старой базы' });
    await diff.getByRole('columnheader', { name: 'создать' }).waitFor();
    expect(await diff.innerText()).to.contain('Радиаторы');
    expect(await diff.getByRole('cell', { name: 'Объекты', exact: true }).count()).to.equal(1);
    // Row by row: what the commit creates or changes, each changed field from → to.
    const rows = await diff.getByRole('table', { name: 'Что изменится' }).locator('tbody tr').allInnerTexts();
    expect(rows.length, rows.join(' | ')).to.be.greaterThan(0);
    expect(rows.every((r) => /^(Buildings|Premises|Meters)\t\d+\t.+\t(создать|изменить)\t/.test(r)), rows.join(' | ')).to.equal(true);
    expect(rows.filter((r) => r.includes('\tизменить\t')).every((r) => r.includes('→')), rows.join(' | ')).to.equal(true);
    await page.screenshot({ path: `${SCREENSHOTS}legacy-import.png` });
    await diff.getByRole('button', { name: 'Загрузить' }).click();
    await page.getByRole('status').getByText('Старая база загружена').waitFor();
    // Loading it again changes nothing.
    await page.locator('amr-legacy-import input[type=file]').setInputFiles({ name: 'legacy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: template });
    await diff.getByText('0 новых показаний').waitFor();
    expect(await diff.getByRole('table', { name: 'Что изменится' }).count(), 'nothing would change').to.equal(0);
    await diff.getByText('Без изменений строк: 3').waitFor();
    const counts = await diff.locator('tbody tr').allInnerTexts();
    expect(counts.every((r) => /\t0\t0\t\d+$/.test(r)), counts.join(' | ')).to.equal(true);
  });

  it('shows what needs attention on the overview: the meters at risk before the billing day and the failing FTP concentrator', async () => {
    await page.getByRole('link', { name: 'Обзор' }).click();
    const block = page.getByRole('region', { name: 'Требует внимания' });
    await block.waitFor();
    const api = await (await page.request.get(`${url}/api/attention`)).json();
    const risk = await block.getByTestId('at-risk').innerText();
    expect(risk).to.equal(api.billing.metersAtRisk ? `${api.billing.metersAtRisk} приборов` : 'все приборы успеют передать показания');
    expect(await block.innerText()).to.contain(`До расчётного дня ${api.billing.next.split('-').reverse().join('.')}: ${api.billing.daysLeft} дн.`);
    const failing = block.locator('li', { hasText: 'сбоев подряд' });
    expect(await failing.innerText()).to.contain('Чердак, FTP: нет связи').and.contain('сбоев подряд: 1').and.contain('последний успешный');
    await page.screenshot({ path: `${SCREENSHOTS}attention.png` });
  });

  it('says all is well in the attention block when nothing needs it', async () => {
    await page.route('**/api/attention', (route) =>
      route.fulfill({ json: { days: 21, silentBuildings: [], failingConcentrators: [], billing: { day: 25, next: '2026-12-25', daysLeft: 3, metersAtRisk: 0 } } }),
    );
    await page.reload();
    const block = page.getByRole('region', { name: 'Требует внимания' });
    await block.getByRole('status').getByText('Все приборы передают показания, концентраторы опрашиваются без сбоев').waitFor();
    expect(await block.getByTestId('at-risk').innerText()).to.equal('все приборы успеют передать показания');
    await page.unroute('**/api/attention');
  });

  it('lists every building’s concentrators under Settings → «Домовые концентраторы»', async () => {
    await page.getByRole('link', { name: 'Настройки' }).click();
    await page.getByRole('tab', { name: 'Домовые концентраторы' }).click();
    const table = page.getByRole('table', { name: 'Концентраторы' });
    await table.getByRole('button', { name: 'Подвал' }).waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(0, 2).join(' / ')).sort()).to.deep.equal(['ул. Примерная, 1 / Подвал', 'ул. Примерная, 1 / Чердак, FTP', 'ул. Примерная, 1 / Шина M-Bus']);
    await table.getByRole('button', { name: 'Подвал' }).click();
    await page.getByRole('table', { name: 'Журнал опросов' }).getByRole('cell', { name: 'успешно', exact: true }).first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}settings-concentrators.png` });
    // Added here, a concentrator names its building.
    const folder = mkdtempSync(join(tmpdir(), 'amr-month-set-'));
    await button('Добавить концентратор').click();
    const form = page.getByRole('form', { name: 'Добавить концентратор' });
    await form.getByLabel('Объект').selectOption({ label: 'ул. Примерная, 1' });
    await form.getByLabel('Название').fill('Щитовая');
    await form.locator('select[name=driverId]').selectOption('ftp.local-storage');
    await form.locator('input[name="s.path"]').fill(folder);
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await table.getByRole('button', { name: 'Щитовая' }).waitFor();
    expect(await table.locator('tr', { hasText: 'Щитовая' }).locator('td').first().innerText()).to.equal('ул. Примерная, 1');
    const added = (await (await page.request.get(`${url}/api/concentrators?limit=100`)).json()).items.find((c: { name: string }) => c.name === 'Щитовая');
    const building = (await (await page.request.get(`${url}/api/buildings?limit=10`)).json()).items.find((b: { name: string }) => b.name === 'ул. Примерная, 1');
    expect(added.buildingId).to.equal(building.id);
  });

  it('sets a user’s password in a dialog; the operator logs in with it and cannot read now or check (F27)', async () => {
    await page.getByRole('tab', { name: 'Пользователи' }).click();
    await button('+ Создать').click();
    const form = page.getByRole('form', { name: 'Новый пользователь' });
    await form.getByLabel('Email').fill('operator@test.local');
    await form.getByLabel('Пароль').fill('first-password-1');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('table', { name: 'Пользователи' }).getByRole('cell', { name: 'operator@test.local', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Сменить пароль: operator@test.local' }).click();
    const dialog = page.getByRole('dialog', { name: 'Сменить пароль' });
    await dialog.getByText('Новый пароль для operator@test.local').waitFor();
    await dialog.getByLabel('Новый пароль').fill('second-password-2');
    await dialog.getByLabel('Повторите пароль').fill('second-password-3');
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await dialog.getByRole('alert').getByText('Пароли не совпадают').waitFor();
    await dialog.getByLabel('Повторите пароль').fill('second-password-2');
    await page.screenshot({ path: `${SCREENSHOTS}settings-password.png` });
    await dialog.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('status').getByText('Пароль изменён: operator@test.local').waitFor();
    expect(await dialog.isVisible()).to.equal(false);
    await page.screenshot({ path: `${SCREENSHOTS}settings-users.png` });

    const operator = await browser!.newPage({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
    try {
      operator.on('pageerror', (err) => pageErrors.push(err.message));
      await operator.goto(url);
      await operator.locator('input[type=email][name=email]').fill('operator@test.local');
      await operator.locator('input[type=password][name=password]').fill('first-password-1');
      await operator.getByRole('button', { name: 'Войти', exact: true }).click();
      await operator.getByRole('alert').waitFor();
      await operator.locator('input[type=password][name=password]').fill('second-password-2');
      await operator.getByRole('button', { name: 'Войти', exact: true }).click();
      await operator.getByRole('table', { name: 'Обзор' }).getByRole('link', { name: 'ул. Примерная, 1' }).click();
      await operator.getByRole('tab', { name: 'Концентраторы' }).click();
      await operator.getByRole('table', { name: 'Концентраторы' }).getByRole('button', { name: 'Подвал' }).click();
      await operator.getByRole('table', { name: 'Журнал опросов' }).getByRole('cell', { name: 'успешно', exact: true }).first().waitFor();
      for (const name of ['Считать сейчас', 'Проверить соединение', 'Добавить концентратор', 'Изменить', 'Удалить']) {
        expect(await operator.getByRole('button', { name, exact: true }).count(), name).to.equal(0);
      }
    } finally {
      await operator.close();
    }
  });

  it('filters the audit log by entity, user and date, with the actions and entities in words', async () => {
    await page.getByRole('tab', { name: 'Журнал действий' }).click();
    const filter = page.getByRole('form', { name: 'Журнал действий' });
    const table = page.getByRole('table', { name: 'Журнал действий' });
    /** «Применить», then the answer to it rendered. */
    const apply = async () => {
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/audit?')), filter.getByRole('button', { name: 'Применить' }).click()]);
      await page.evaluate('new Promise((r) => requestAnimationFrame(r))');
    };
    await table.locator('tbody tr').first().waitFor();
    await filter.getByLabel('Объект учёта').selectOption({ label: 'концентратор' });
    await apply();
    await table.getByRole('cell', { name: 'удаление', exact: true }).waitFor();
    const entities = await table.locator('tbody tr > td:nth-child(4)').allInnerTexts();
    expect(entities.length).to.be.greaterThan(3);
    expect(entities.every((e) => e.startsWith('концентратор')), entities.join(' | ')).to.equal(true);
    const actions = new Set(await table.locator('tbody tr > td:nth-child(3)').allInnerTexts());
    expect([...actions]).to.include.members(['создание', 'изменение', 'удаление', 'опрос']);
    expect(await table.locator('tbody tr > td:nth-child(1)').first().innerText()).to.match(/^\d{2}\.\d{2}\.\d{4}\s\d{2}:\d{2}:\d{2}$/);
    await page.screenshot({ path: `${SCREENSHOTS}settings-audit.png` });
    // The user filter: the operator changed no concentrator.
    await filter.getByLabel('Пользователь (email)').selectOption({ label: 'operator@test.local' });
    await apply();
    await table.locator('tbody tr').first().waitFor({ state: 'detached' });
    // Their login is there without the entity filter.
    await filter.getByLabel('Объект учёта').selectOption({ label: 'Все объекты учёта' });
    const [asked] = await Promise.all([page.waitForRequest((r) => r.url().includes('/api/audit?')), apply()]);
    expect(new URL(asked.url()).searchParams.get('userId'), asked.url()).to.be.a('string');
    expect(new URL(asked.url()).searchParams.get('entity'), asked.url()).to.equal(null);
    await table.getByRole('cell', { name: 'вход', exact: true }).first().waitFor();
    const theirs = await table.locator('tbody tr > td:nth-child(2)').allInnerTexts();
    expect(theirs.every((r) => r.startsWith('operator@test.local')), theirs.join(' | ')).to.equal(true);
    // A date range before today: nothing.
    await filter.getByLabel('Пользователь (email)').selectOption({ label: 'Пользователь (email)' });
    await filter.getByLabel('По', { exact: true }).fill('2020-01-01');
    await apply();
    await table.locator('tbody tr').first().waitFor({ state: 'detached' });
  });

  it('raised no error in the page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
