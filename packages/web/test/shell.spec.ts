import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, TEST_ADMIN, type TestApp } from '@openamr/core/testing';
import { buildWeb, launchBrowser } from './browser.js';

const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

describe('web shell (Chromium)', function () {
  this.timeout(120_000);
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let url: string;

  before(async function () {
    browser = await launchBrowser(this);
    await buildWeb();
    app = await createTestApp();
    url = await app.listen();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the login form, then the server\'s message for a wrong password', async () => {
    await page.goto(url);
    await page.locator('input[type=email][name=email]').fill(TEST_ADMIN.email);
    await page.locator('input[type=password]').fill('wrong-password');
    await page.screenshot({ path: `${SCREENSHOTS}login.png` });
    await page.getByRole('button', { name: 'Войти' }).click();
    expect(await page.getByRole('alert').textContent()).to.equal('Неверный email или пароль');
  });

  it('logs in: the form is gone and the overview says «Обзор»', async () => {
    await page.locator('input[type=password]').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    expect(await page.locator('input[type=email]').count()).to.equal(0);
    expect(await page.locator('header').textContent()).to.contain('Администратор');
    await page.screenshot({ path: `${SCREENSHOTS}overview.png` });
  });

  it('switches to English, keeps the session on reload and opens deep links', async () => {
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goto(`${url}/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: 'RU' }).click();
  });

  it('logs out back to the login form', async () => {
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.locator('input[type=email][name=email]').waitFor();
  });
});
