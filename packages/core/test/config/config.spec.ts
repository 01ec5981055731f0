import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/plugin-api/errors.js';

function failure(env: Record<string, string>, file?: string): ConfigError {
  const dir = mkdtempSync(join(tmpdir(), 'amr-config-'));
  if (file !== undefined) writeFileSync(join(dir, 'openamr.config.json'), file);
  try {
    loadConfig(env, dir);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig did not fail');
}

describe('config/config', () => {
  describe('loadConfig()', () => {
    it('applies defaults and reads the plugin list and settings', () => {
      const dir = mkdtempSync(join(tmpdir(), 'amr-config-'));
      writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: ['@openamr/plugin-example', { package: './local.js', options: { a: 1 } }], settings: { staleDays: 30 } }));
      const c = loadConfig({ PORT: '9090', OPENAMR_DEMO: '1' }, dir);
      expect(c).to.include({ port: 9090, host: '0.0.0.0', demo: true, adminEmail: 'admin@openamr.local', baseDir: dir });
      expect(c.plugins).to.deep.equal([{ package: '@openamr/plugin-example' }, { package: './local.js', options: { a: 1 } }]);
      expect(c.settings).to.deep.equal({ staleDays: 30, sessionHours: 12, uploadLimitMb: 100 });
      expect(loadConfig({}, mkdtempSync(join(tmpdir(), 'amr-config-'))).plugins).to.equal(undefined);
    });

    it('names the environment variable that is wrong', () => {
      expect(failure({ PORT: 'eighty' }).details.field).to.equal('PORT');
      expect(failure({ DATABASE_URL: 'mysql://x' }).details.field).to.equal('DATABASE_URL');
      expect(failure({ OPENAMR_ADMIN_PASSWORD: 'short' }).messageIn('en')).to.contain('OPENAMR_ADMIN_PASSWORD');
    });

    it('names the file and the field of a bad config file', () => {
      const bad = failure({}, JSON.stringify({ plugins: [42] }));
      expect(bad.details.field).to.equal('plugins.0');
      expect(bad.details.file).to.match(/openamr\.config\.json$/);
      expect(failure({}, '{ plugins: ').messageIn('en')).to.contain('not valid JSON');
      expect(failure({}, JSON.stringify({ settings: { staleDays: 0 } })).details.field).to.equal('settings.staleDays');
      expect(failure({ OPENAMR_CONFIG: 'nowhere.json' }).details.field).to.equal('OPENAMR_CONFIG');
    });
  });
});
