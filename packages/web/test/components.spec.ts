import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, WEB_ROOT } from './browser.js';

interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
}

const COMPONENTS = join(WEB_ROOT, 'src', 'components');
const ORIGIN = 'http://components.test';

/** Every `<name>.test.ts` beside its component (STYLE rule 12). */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

/** One test file bundled by Vite (its imports, Lit and the component included) into one ES module. */
async function bundle(file: string): Promise<string> {
  const { build } = await import('vite');
  const out = await build({
    root: WEB_ROOT,
    configFile: false,
    logLevel: 'warn',
    build: { write: false, target: 'es2022', minify: false, sourcemap: false, lib: { entry: file, formats: ['es'], fileName: 'component-test' } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Array<{ output: Array<{ type: string; isEntry?: boolean; code?: string }> }>;
  const entry = outputs.flatMap((o) => o.output).find((c) => c.type === 'chunk' && c.isEntry);
  if (!entry?.code) throw new Error(`vite produced no entry chunk for ${file}`);
  return entry.code;
}

/** The component tests, each file bundled with Vite and run in a page of the same Chromium as the browser tests. */
describe('web components (<name>.test.ts in Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  before(async function () {
    browser = await launchBrowser(this);
  });

  after(async () => {
    await browser?.close();
  });

  const files = testFiles(COMPONENTS).sort();

  it('has a test file for each component the issue names', () => {
    const names = files.map((f) => relative(COMPONENTS, f).split('/')[0]);
    expect(names).to.include.members(['amr-login', 'amr-lang-switch', 'amr-chart', 'amr-attach-free', 'amr-building-card']);
  });

  for (const file of files) {
    it(relative(WEB_ROOT, file), async () => {
      const code = await bundle(file);
      const ctx = await browser!.newContext({ locale: 'ru-RU', viewport: { width: 1200, height: 800 } });
      const page = await ctx.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // A page of its own origin (localStorage, relative URLs); the tests answer the API themselves.
      await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="ru"><head><meta charset="utf-8"></head><body></body></html>' }));
      await page.goto(`${ORIGIN}/`);
      await page.addScriptTag({ type: 'module', content: code });
      await page.waitForFunction('typeof window.__runComponentTests === "function"');
      const results = (await page.evaluate('window.__runComponentTests()')) as TestResult[];
      await ctx.close();
      for (const r of results) console.log(`      ${r.ok ? '✓' : '✗'} ${r.name}`);
      expect(results.length, 'tests in the file').to.be.greaterThan(0);
      const failed = results.filter((r) => !r.ok);
      expect(failed.map((r) => `${r.name}: ${r.error}`).join('\n\n'), 'failed component tests').to.equal('');
      expect(pageErrors).to.deep.equal([]);
    });
  }
});
