import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, launchBrowser } from './browser.js';
import { ADMIN, startServer, type RunningServer } from './server.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const UUID = '[0-9a-f-]{36}';

/** An operator's day in the workspace: overview, building, premise and meter cards, as a user clicks them in Chromium. */
describe('web workspace (Chromium against `openamr serve`): overview and cards', function () {
  this.timeout(180_000);
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];
  let buildingPath = '';
  let premisePath = '';
  let meterPath = '';

  const h1 = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  const h2 = (name: string) => page.getByRole('heading', { level: 2, name, exact: true });
  const button = (name: string) => page.getByRole('button', { name, exact: true });

  async function logIn(p: Page, email: string, password: string) {
    await p.goto(url);
    await p.locator('input[type=email][name=email]').fill(email);
    await p.locator('input[type=password][name=password]').fill(password);
    await p.getByRole('button', { name: 'Войти', exact: true }).click();
    await p.getByRole('heading', { level: 1, name: 'Обзор', exact: true }).waitFor();
  }

  before(async function () {
    browser = await launchBrowser(this);
    await buildWeb();
    server = await startServer();
    url = server.url;
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await logIn(page, ADMIN.email, ADMIN.password);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a building from «+ Создать» with its required fields marked, and opens its card', async () => {
    await page.getByText('Нет данных').waitFor();
    await button('+ Создать').click();
    const form = page.getByRole('form', { name: 'Новый объект' });
    expect(await form.locator('.req').count()).to.equal(2);
    await form.getByLabel('Название').fill('ул. Тестовая, 5');
    await form.getByLabel('Адрес').fill('г. Пермь, ул. Тестовая, д. 5');
    await form.getByLabel('Общая площадь, м²').fill('1234.5');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await h2('ул. Тестовая, 5').waitFor();
    buildingPath = new URL(page.url()).pathname;
    expect(buildingPath).to.match(new RegExp(`^/buildings/${UUID}$`));
    expect(await page.locator('main dl').textContent()).to.contain('1234.5');
  });

  it('adds premises in the premises tab and selects several with Shift and Ctrl', async () => {
    for (const [number, area] of [['Кв.1', '50'], ['Кв.2', '60.5'], ['Кв.3', '70']]) {
      await button('Добавить').click();
      const form = page.getByRole('form', { name: 'Новое помещение' });
      await form.getByLabel('Номер').fill(number!);
      await form.getByLabel('Площадь, м²').fill(area!);
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByRole('link', { name: number, exact: true }).waitFor();
    }
    const rows = page.getByRole('table', { name: 'Помещения' }).locator('tbody tr');
    expect(await rows.count()).to.equal(3);
    await rows.nth(0).locator('td').nth(2).click();
    await rows.nth(2).locator('td').nth(2).click({ modifiers: ['Shift'] });
    await page.getByText('Выбрано: 3').waitFor();
    await rows.nth(1).locator('td').nth(2).click({ modifiers: ['Control'] });
    await page.getByText('Выбрано: 2').waitFor();
    expect(await rows.nth(1).getAttribute('aria-selected')).to.equal('false');
    await page.screenshot({ path: `${SCREENSHOTS}building-card.png` });
  });

  it('opens a premise card and attaches a new meter to it, blue (no reading yet, F06) until it has a fresh reading', async () => {
    await page.getByRole('link', { name: 'Кв.1', exact: true }).click();
    await h2('Кв.1').waitFor();
    premisePath = new URL(page.url()).pathname;
    expect(premisePath).to.match(new RegExp(`^/premises/${UUID}$`));
    await button('Добавить').click();
    const form = page.getByRole('form', { name: 'Новый прибор' });
    await form.getByLabel('Серийный номер').fill('W-100');
    await form.getByLabel('Тип прибора').selectOption('core.water-meter');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const link = page.getByRole('link', { name: 'W-100', exact: true });
    await link.waitFor();
    expect(await link.getAttribute('class')).to.contain('state-stale');
    expect(await link.evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { color: string } }).getComputedStyle(e).color)).to.equal('rgb(37, 99, 235)');
  });

  it('adds readings on the meter card, lists them with their source and charts the consumption', async () => {
    await page.getByRole('link', { name: 'W-100', exact: true }).click();
    await h2('W-100').waitFor();
    meterPath = new URL(page.url()).pathname;
    for (const [date, value] of [['2024-01-01', '10'], ['2024-02-01', '15.5'], ['2024-03-01', '22']]) {
      await button('Добавить показание').click();
      const form = page.getByRole('form', { name: 'Добавить показание' });
      await form.getByLabel('Дата').fill(date!);
      await form.getByLabel('Значение').fill(value!);
      await form.getByRole('button', { name: 'Сохранить' }).click();
      await page.getByRole('table', { name: 'Показания' }).getByRole('cell', { name: date!.split('-').reverse().join('.'), exact: true }).waitFor();
    }
    const rows = page.getByRole('table', { name: 'Показания' }).locator('tbody tr');
    expect(await rows.allInnerTexts()).to.have.length(3);
    expect((await rows.nth(0).innerText()).replace(/\s+/g, ' ')).to.contain('01.03.2024 22').and.to.contain('manual');
    await page.locator('amr-chart canvas').first().waitFor();
    // A lower value than the last one is refused, in words.
    await button('Добавить показание').click();
    const form = page.getByRole('form', { name: 'Добавить показание' });
    await form.getByLabel('Дата').fill('2024-04-01');
    await form.getByLabel('Значение').fill('5');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('alert').waitFor();
    expect(await rows.count()).to.equal(3);
    await page.screenshot({ path: `${SCREENSHOTS}meter-card.png` });
  });

  it('goes back and forward between the cards, and opens a card from a deep link', async () => {
    await page.goBack();
    await h2('Кв.1').waitFor();
    await page.goBack();
    await h2('ул. Тестовая, 5').waitFor();
    await page.goForward();
    await h2('Кв.1').waitFor();
    await page.goto(`${url}${meterPath}`);
    await h2('W-100').waitFor();
    expect(await page.locator('nav a[aria-current=page]').textContent()).to.equal('Обзор');
  });

  it('turns the serial from blue to black with a fresh reading, and replaces the meter', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const title = page.getByRole('heading', { level: 2, name: 'W-100' });
    const color = () => title.evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { color: string } }).getComputedStyle(e).color);
    expect(await color()).to.equal('rgb(37, 99, 235)');
    await button('Добавить показание').click();
    const form = page.getByRole('form', { name: 'Добавить показание' });
    await form.getByLabel('Дата').fill(today);
    await form.getByLabel('Значение').fill('30');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.waitForFunction("document.querySelector('amr-app').shadowRoot.querySelector('amr-meter-card').shadowRoot.querySelector('h2').classList.contains('state-ok')");
    expect(await color()).to.equal('rgb(17, 24, 39)');
    await button('Заменить прибор').click();
    const replace = page.getByRole('form', { name: 'Заменить прибор' });
    await replace.getByLabel('Дата замены').fill(today);
    await replace.getByLabel('Последнее показание старого').fill('31');
    await replace.getByLabel('Номер нового прибора').fill('W-101');
    await replace.getByLabel('Начальное показание нового').fill('0');
    await replace.getByRole('button', { name: 'Сохранить' }).click();
    await h2('W-101').waitFor();
    await page.goBack();
    await h2('W-100').waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'W-100' }).getAttribute('class')).to.contain('state-decommissioned');
    await page.getByRole('link', { name: 'Кв.1' }).click();
    await page.getByRole('table', { name: 'Приборы учёта' }).getByRole('link', { name: 'W-101' }).waitFor();
  });

  it('remembers the chosen columns of the overview after a reload, and finds a meter by its serial', async () => {
    await page.getByRole('link', { name: 'Обзор' }).click();
    await h1('Обзор').waitFor();
    const table = page.getByRole('table', { name: 'Обзор' });
    await table.getByRole('link', { name: 'ул. Тестовая, 5' }).waitFor();
    expect(await table.locator('thead').innerText()).to.contain('Адрес');
    await page.getByText('Столбцы').click();
    await page.getByRole('checkbox', { name: 'Адрес' }).uncheck();
    await page.waitForFunction("!document.querySelector('amr-app').shadowRoot.querySelector('amr-overview').shadowRoot.querySelector('thead').textContent.includes('Адрес')");
    await page.reload();
    await table.getByRole('link', { name: 'ул. Тестовая, 5' }).waitFor();
    expect(await table.locator('thead').innerText()).not.to.contain('Адрес');
    expect(await table.locator('tbody').innerText()).to.contain('1234.5');
    // Sorting by a column asks the server in that order.
    await table.getByRole('button', { name: 'Помещений' }).click();
    await table.getByRole('button', { name: 'Помещений ▲' }).waitFor();
    await page.getByRole('searchbox', { name: 'Поиск по номеру прибора' }).fill('W-100');
    await button('Поиск').click();
    await page.getByRole('link', { name: 'W-100' }).click();
    await h2('W-100').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}overview-table.png` });
  });

  it('attaches a free premise to the building and a free meter to a premise', async () => {
    expect((await page.request.post(`${url}/api/premises`, { data: { number: 'Кв.Свободная', area: 33, kind: 'residential' } })).status()).to.equal(201);
    expect((await page.request.post(`${url}/api/meters`, { data: { serial: 'FREE-1', deviceTypeId: 'core.water-meter' } })).status()).to.equal(201);
    await page.goto(`${url}${buildingPath}`);
    await button('Прикрепить свободное помещение').click();
    const form = page.getByRole('form', { name: 'Прикрепить свободное помещение' });
    await form.getByRole('combobox').selectOption({ label: 'Кв.Свободная' });
    await form.getByRole('button', { name: 'Прикрепить' }).click();
    await page.getByRole('link', { name: 'Кв.Свободная', exact: true }).click();
    await h2('Кв.Свободная').waitFor();
    await button('Прикрепить свободный прибор').click();
    const meterForm = page.getByRole('form', { name: 'Прикрепить свободный прибор' });
    await meterForm.getByRole('combobox').selectOption({ label: 'FREE-1' });
    await meterForm.getByRole('button', { name: 'Прикрепить' }).click();
    await page.getByRole('table', { name: 'Приборы учёта' }).getByRole('link', { name: 'FREE-1' }).waitFor();
  });

  it('shows the device types of the plugins, and imports the radiator catalogue from a file', async () => {
    await page.getByRole('link', { name: 'Справочники' }).click();
    await h1('Справочники').waitFor();
    const types = page.getByRole('table', { name: 'Типы приборов' });
    await types.getByText('core.heat-cost-allocator').waitFor();
    expect(await types.innerText()).to.contain('Распределитель тепла');
    await page.getByRole('tab', { name: 'Радиаторы' }).click();
    await page.getByRole('table', { name: 'Радиаторы' }).getByText('Нет данных').waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'radiators.csv', mimeType: 'text/csv', buffer: Buffer.from('model;manufacturer;coefficient\nМС-140;Сантехлит;1,25\nRadik 22;Kermi;0.9\n') });
    await page.getByRole('status').getByText('Импорт выполнен: +2').waitFor();
    const table = page.getByRole('table', { name: 'Радиаторы' });
    await table.getByRole('cell', { name: 'МС-140', exact: true }).waitFor();
    expect(await table.locator('tbody tr').count()).to.equal(2);
    await page.getByRole('searchbox', { name: 'Поиск по модели' }).fill('Radik');
    await page.waitForFunction("document.querySelector('amr-app').shadowRoot.querySelector('amr-reference').shadowRoot.querySelectorAll('tbody tr').length === 1");
    // A file with a bad row changes nothing and says which row.
    await page.locator('input[type=file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('model;coefficient\nX-1;abc\n') });
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).to.contain('справочник не изменен');
  });

  it('lets the administrator create a user, change a role, deactivate, and read the audit log', async () => {
    await page.getByRole('link', { name: 'Настройки' }).click();
    await h1('Настройки').waitFor();
    await button('+ Создать').click();
    const form = page.getByRole('form', { name: 'Новый пользователь' });
    await form.getByLabel('Email').fill('manager2@test.local');
    await form.getByLabel('Пароль').fill('manager-pass-2');
    await form.locator('select[name=role]').selectOption('manager');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const users = page.getByRole('table', { name: 'Пользователи' });
    await users.getByRole('cell', { name: 'manager2@test.local' }).waitFor();
    await users.getByRole('combobox', { name: 'Роль: manager2@test.local' }).selectOption('operator');
    const row = users.locator('tr', { hasText: 'manager2@test.local' });
    await row.getByRole('button', { name: 'Отключить' }).click();
    await row.getByRole('button', { name: 'Включить' }).waitFor();
    const list = await (await page.request.get(`${url}/api/users`)).json();
    expect(list.items.find((u: { email: string }) => u.email === 'manager2@test.local')).to.include({ role: 'operator', active: false });
    await page.getByRole('tab', { name: 'Журнал действий' }).click();
    const audit = page.getByRole('table', { name: 'Журнал действий' });
    await audit.getByRole('cell', { name: 'login' }).first().waitFor();
    expect(await audit.innerText()).to.contain('manager2@test.local');
    await page.screenshot({ path: `${SCREENSHOTS}settings.png` });
  });

  it('hides what an operator may not do', async () => {
    const res = await page.request.post(`${url}/api/users`, { data: { email: 'op@test.local', password: 'operator-pass-1', role: 'operator' } });
    expect(res.status()).to.equal(201);
    const ctx = await browser!.newContext();
    const op = await ctx.newPage();
    op.on('pageerror', (err) => pageErrors.push(err.message));
    await logIn(op, 'op@test.local', 'operator-pass-1');
    await op.getByRole('table', { name: 'Обзор' }).getByRole('link', { name: 'ул. Тестовая, 5' }).waitFor();
    expect(await op.getByRole('button', { name: '+ Создать' }).count()).to.equal(0);
    expect(await op.getByRole('link', { name: 'Настройки' }).count()).to.equal(0);
    await op.goto(`${url}${buildingPath}`);
    await op.getByRole('heading', { level: 2, name: 'ул. Тестовая, 5' }).waitFor();
    expect(await op.getByRole('button', { name: 'Редактировать' }).count()).to.equal(0);
    expect(await op.getByRole('button', { name: 'Добавить' }).count()).to.equal(0);
    // The server refuses anyway.
    const denied = await op.request.post(`${url}/api/buildings`, { data: { name: 'x', address: 'y' } });
    expect(denied.status()).to.equal(403);
    await ctx.close();
  });

  it('lets a manager create but not open the settings', async () => {
    expect((await page.request.post(`${url}/api/users`, { data: { email: 'man@test.local', password: 'manager-pass-1', role: 'manager' } })).status()).to.equal(201);
    const ctx = await browser!.newContext();
    const man = await ctx.newPage();
    man.on('pageerror', (err) => pageErrors.push(err.message));
    await logIn(man, 'man@test.local', 'manager-pass-1');
    await man.getByRole('button', { name: '+ Создать', exact: true }).waitFor();
    expect(await man.getByRole('link', { name: 'Настройки' }).count()).to.equal(0);
    await man.goto(`${url}/settings`);
    await man.getByText('Раздел доступен только администратору').waitFor();
    await ctx.close();
  });

  it('opens the premises tab of a 500-premise building quickly and scrolls to its last premise', async () => {
    const b = await (await page.request.post(`${url}/api/buildings`, { data: { name: 'Большой дом', address: 'ул. Длинная, 500' } })).json();
    for (let i = 1; i <= 500; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => page.request.post(`${url}/api/buildings/${b.id}/premises`, { data: { number: `Кв.${i + j}`, area: 40, kind: 'residential' } })));
    }
    const t0 = Date.now();
    await page.goto(`${url}/buildings/${b.id}`);
    await page.getByRole('link', { name: 'Кв.1', exact: true }).waitFor();
    const firstMs = Date.now() - t0;
    const rows = page.getByRole('table', { name: 'Помещения' }).locator('tbody tr:not(.more)');
    expect(await rows.count()).to.be.lessThan(500);
    const t1 = Date.now();
    for (let i = 0; i < 20 && !(await page.getByRole('link', { name: 'Кв.500', exact: true }).count()); i++) {
      await page.getByRole('table', { name: 'Помещения' }).locator('tbody tr').last().scrollIntoViewIfNeeded();
      await page.waitForTimeout(50);
    }
    await page.getByRole('link', { name: 'Кв.500', exact: true }).waitFor();
    const scrollMs = Date.now() - t1;
    expect(await rows.count()).to.equal(500);
    console.log(`      500 premises: first rows after ${firstMs} ms (page load included), the last one after scrolling ${scrollMs} ms`);
    expect(firstMs).to.be.lessThan(5000);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
