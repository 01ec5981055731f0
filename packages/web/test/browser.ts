import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Builds the web bundle once per test process (the server serves packages/web/dist). */
let built: Promise<unknown> | undefined;
export function buildWeb(): Promise<unknown> {
  built ??= import('vite').then(({ build }) => build({ root: WEB_ROOT, logLevel: 'warn' }));
  return built;
}

/**
 * Debian's Chromium, headless and off the network. Without it the browser tests skip on a
 * developer machine and fail in CI (where .ci/run installs it).
 */
export async function launchBrowser(ctx: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    ctx.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // A Russian operator's browser; contexts also set locale 'ru-RU'.
    args: ['--lang=ru-RU', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
