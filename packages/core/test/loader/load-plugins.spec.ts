import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlugins } from '../../src/loader/load-plugins.js';
import { ConfigError } from '../../src/plugin-api/errors.js';
import { BUNDLED_PLUGINS } from '../../src/loader/bundled-plugins.js';

const baseDir = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

async function loadError(plugins: Array<{ package: string; options?: unknown }>): Promise<ConfigError> {
  try {
    await loadPlugins({ plugins, baseDir });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadPlugins did not fail');
}

describe('loader/load-plugins', () => {
  describe('loadPlugins()', () => {
    it('registers a plugin with its options validated and defaults applied, then freezes the registries', async () => {
      const registries = await loadPlugins({ plugins: [{ package: './good.ts' }], baseDir });
      expect(registries.plugins.get('good')).to.include({ name: 'good-plugin', version: '1.0.0' });
      expect(registries.deviceTypes.has('good.meter')).to.equal(true);
      expect(registries.commands.get('good hello')!.describe).to.equal('level 3');
      expect(registries.frozen).to.equal(true);
      expect(() => registries.deviceTypes.add('good.x', {} as never, 'good')).to.throw(/frozen/);
    });

    it('stops with the package name and the fix when a listed package is not installed', async () => {
      const err = await loadError([{ package: '@openamr/plugin-nowhere' }]);
      expect(err.messageIn('en')).to.equal(
        'Plugin @openamr/plugin-nowhere: the package is not installed. Install it (npm install @openamr/plugin-nowhere) or remove it from "plugins" in openamr.config.json.',
      );
      expect(err.message).to.contain('пакет не установлен');
    });

    it('skips bundled plugins that are not installed when no list is configured', async () => {
      const registries = await loadPlugins({ baseDir });
      expect(registries.plugins.has('example')).to.equal(true);
      for (const p of registries.plugins.values()) expect([...BUNDLED_PLUGINS, '@openamr/core']).to.include(p.name);
    });

    it('refuses a duplicate plugin id naming both packages', async () => {
      const err = await loadError([{ package: './good.ts' }, { package: './duplicate.ts' }]);
      expect(err.messageIn('en')).to.contain('duplicate-plugin').and.contain('good-plugin').and.contain('Keep only one');
    });

    it('refuses a plugin built for another core version', async () => {
      const err = await loadError([{ package: './old-core.ts' }]);
      expect(err.messageIn('en')).to.match(/old-plugin \(old\): requires @openamr\/core \^9\.0\.0, but 0\.\d+\.\d+ is installed/);
    });

    it('refuses invalid options naming the option', async () => {
      const err = await loadError([{ package: './good.ts', options: { level: 0 } }]);
      expect(err.messageIn('en')).to.contain('invalid options (options.level)').and.contain('openamr.config.json');
    });

    it('refuses a missing dependency naming it', async () => {
      const err = await loadError([{ package: './needs-other.ts' }]);
      expect(err.messageIn('en')).to.contain('depends on plugin "other", which is not loaded');
    });

    it('refuses a default export that is not definePlugin(...)', async () => {
      const err = await loadError([{ package: './not-a-plugin.ts' }]);
      expect(err.messageIn('en')).to.contain('is not an OpenAMR plugin');
    });

    it('refuses a driver whose device type nobody registers', async () => {
      const err = await loadError([{ package: './unknown-device-type.ts' }]);
      expect(err.messageIn('en')).to.contain('driver driverless.bus refers to unknown device type nobody.meter');
    });

    it('refuses an extension id outside the plugin namespace', async () => {
      const err = await loadError([{ package: './bad-extension-id.ts' }]);
      expect(err.messageIn('en')).to.contain('device type id "other.meter" must be "sloppy.<name>"');
    });
    it('refuses a web part whose "for" names no registered extension, naming the part and the id', async () => {
      const err = await loadError([{ package: './stray-web-part.ts' }]);
      expect(err.messageIn('en')).to.contain('stray-plugin (stray)').and.contain('web part amr-stray-settings (driver-settings) is for stray.bus, but no reader driver with that id is registered');
    });

    it('accepts a web part for a driver of another loaded plugin', async () => {
      const registries = await loadPlugins({ plugins: [{ package: '@openamr/plugin-example' }], baseDir });
      expect(registries.plugins.get('example')!.webParts.map((w) => w.for)).to.deep.equal(['example.fixture-file']);
    });

    it('resolves a package name from the node_modules of the config file’s folder first', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openamr-loader-'));
      try {
        const pkgDir = join(dir, 'node_modules/@acme/local-plugin');
        mkdirSync(pkgDir, { recursive: true });
        writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@acme/local-plugin', version: '2.0.0', type: 'module', exports: './index.js' }));
        // Plain JavaScript; definePlugin comes from this checkout's core (the brand must be the core's).
        writeFileSync(join(pkgDir, 'index.js'), `export default (await import(${JSON.stringify(new URL('../../src/plugin-api/index.ts', import.meta.url).href)})).definePlugin({ id: 'local', pkg: { name: '@acme/local-plugin', version: '2.0.0' }, requires: { core: '^0.1.0' }, register() {} });\n`);
        const registries = await loadPlugins({ plugins: [{ package: '@acme/local-plugin' }], baseDir: dir });
        expect(registries.plugins.get('local')).to.include({ name: '@acme/local-plugin', version: '2.0.0' });
        const missing = await loadPlugins({ plugins: [{ package: '@acme/local-plugin' }], baseDir }).then(() => null, (e: ConfigError) => e);
        expect(missing?.messageIn('en')).to.contain('the package is not installed');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
