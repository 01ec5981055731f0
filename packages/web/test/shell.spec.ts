import { expect } from 'chai';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, launchBrowser, WEB_ROOT } from './browser.js';
import { ADMIN, startServer, type RunningServer } from './server.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
/** The first load's JavaScript budget, gzipped (issue 9). */
const JS_BUDGET_BYTES = 300 * 1024;

describe('web shell (Chromium against `openamr serve`)', function () {
  this.timeout(120_000);
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    await buildWeb();
    server = await startServer();
    url = server.url;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('loads under 300 KB of JavaScript gzipped on the first visit (the scripts index.html loads)', () => {
    const dist = join(WEB_ROOT, 'dist');
    const index = readFileSync(join(dist, 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => (m[1] ?? m[2])!);
    expect(scripts.length).to.be.greaterThan(0);
    const sizes = scripts.map((src) => ({ src, gz: gzipSync(readFileSync(join(dist, src.replace(/^\//, '')))).length }));
    const total = sizes.reduce((n, s) => n + s.gz, 0);
    console.log(`      first load: ${sizes.map((s) => `${s.src} ${(s.gz / 1024).toFixed(1)} KB`).join(', ')}; ${(total / 1024).toFixed(1)} KB gzipped of ${JS_BUDGET_BYTES / 1024} KB`);
    expect(total).to.be.lessThan(JS_BUDGET_BYTES);
  });

  const emailInput = () => page.locator('input[type=email][name=email]');
  const passwordInput = () => page.locator('input[type=password][name=password]');
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });

  async function logIn(password: string) {
    await emailInput().fill(ADMIN.email);
    await passwordInput().fill(password);
    await page.getByRole('button', { name: 'Войти', exact: true }).click();
  }

  it('shows the login form to a visitor without a session', async () => {
    await page.goto(url);
    await emailInput().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}login.png` });
    expect(await page.title()).to.contain('OpenAMR');
  });

  it('shows the server\'s message under the form for a wrong password', async () => {
    await logIn('wrong-password');
    await page.getByRole('alert').getByText('Неверный email или пароль').waitFor();
    expect(await emailInput().count()).to.equal(1);
  });

  it('replaces the login form with the overview on the right password', async () => {
    await logIn(ADMIN.password);
    await heading('Обзор').waitFor();
    expect(await emailInput().count()).to.equal(0);
    const header = await page.locator('header').textContent();
    expect(header).to.contain(ADMIN.email).and.to.contain('Администратор');
  });

  it('navigates with the left menu and changes the URL', async () => {
    await page.getByRole('link', { name: 'Руководство' }).click();
    await heading('Руководство').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/guide');
    // The user guide of docs/, in the interface's language.
    await page.getByRole('heading', { name: 'Руководство пользователя OpenAMR' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}guide.png` });
    await page.goBack();
    await heading('Обзор').waitFor();
  });

  it('switches to English and keeps the session and the language on reload', async () => {
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await heading('Overview').waitFor();
    expect(await page.getByRole('link', { name: 'Reference data' }).count()).to.equal(1);
    expect(await page.locator('header').textContent()).to.contain('Administrator');
    await page.reload();
    await heading('Overview').waitFor();
    await page.getByRole('button', { name: 'RU', exact: true }).click();
    await heading('Обзор').waitFor();
  });

  it('opens a deep link to its section', async () => {
    await page.goto(`${url}/settings`);
    await heading('Настройки').waitFor();
    expect(await page.locator('nav a[aria-current=page]').textContent()).to.equal('Настройки');
  });

  it('shows «Сессия истекла, войдите снова» when the server answers 401 to a logged-in user', async () => {
    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Выйти', exact: true }).click();
    await page.getByText('Сессия истекла, войдите снова').waitFor();
    expect(await emailInput().count()).to.equal(1);
    await logIn(ADMIN.password);
    await heading('Настройки').waitFor();
  });

  it('logs out back to the login form', async () => {
    await page.getByRole('button', { name: 'Выйти', exact: true }).click();
    await emailInput().waitFor();
    expect(await page.getByText('Сессия истекла').count()).to.equal(0);
    await page.reload();
    await emailInput().waitFor();
  });

  it('raised no error in the page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
