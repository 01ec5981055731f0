import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError, ConfigError, type ConcentratorTarget, type ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext, describeReaderDriver } from '@openamr/core/testing';
import { LocalStorageDriver, type LocalStorageSettings } from '../../src/index.js';
import { caught, poll, setMtime, targetOf, tempDir, validSettings, writeCsv } from '../helpers.js';

const driver = new LocalStorageDriver();
const fixtures = new URL('../fixtures/local-storage/', import.meta.url).pathname;

function localTarget(raw: Partial<Record<keyof LocalStorageSettings, unknown>>, cursor?: string) {
  return targetOf<LocalStorageSettings>(validSettings(driver, raw), { type: 'sonocollect-110', cursor });
}

const sources = (batches: ReadBatch[]) => batches.map((b) => b.source);

describeReaderDriver(LocalStorageDriver, {
  validSettings: { path: '/var/lib/openamr/sonocollect' },
  invalidSettings: [{}, { path: 'relative/folder' }, { path: './x' }, { path: 42 }, { path: '/x', recursive: 'no' }, { path: '/x', maxFileMb: -1 }],
  fixturesDir: fixtures,
  target: (dir) => {
    for (const f of ['a.csv', 'b.csv']) setMtime(join(dir, 'input', f), '2024-02-01T12:00:00Z');
    return localTarget({ path: join(dir, 'input') }) as unknown as ConcentratorTarget;
  },
});

describe('LocalStorageDriver', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('amr-local-');
    writeCsv(root, 'a.csv', ['A-1;2024-02-02;1;units;'], '2024-02-02T12:00:00Z');
    writeCsv(root, 'b.csv', ['B-1;2024-02-01;1;units;'], '2024-02-01T12:00:00Z');
  });

  describe('settingsSchema', () => {
    it('refuses a relative path and applies the defaults', () => {
      expect(driver.settingsSchema.validate({ path: 'data/in' }).error?.message).to.equal('"path" must be an absolute folder path');
      expect(driver.settingsSchema.validate({ path: '/data/in' }).value).to.deep.equal({
        path: '/data/in',
        recursive: false,
        pattern: '*.{csv,xlsx}',
        maxFileMb: 50,
        deleteAfterRead: false,
      });
    });
  });

  describe('open() and read()', () => {
    it('reads the files of the folder oldest first, then nothing new with the cursor, then a changed file', async () => {
      const first = await poll(driver, localTarget({ path: root }));
      expect(sources(first)).to.deep.equal(['b.csv', 'a.csv']);
      expect(JSON.parse(first[1]!.cursor!).files.map((f: unknown[]) => f[0])).to.deep.equal(['b.csv', 'a.csv']);
      expect(await poll(driver, localTarget({ path: root }, first[1]!.cursor))).to.deep.equal([]);
      setMtime(join(root, 'b.csv'), '2024-02-03T12:00:00Z');
      expect(sources(await poll(driver, localTarget({ path: root }, first[1]!.cursor)))).to.deep.equal(['b.csv']);
    });

    it('ignores sub-folders and a symbolic link leading outside the folder, and follows one that stays inside', async () => {
      mkdirSync(join(root, 'archive'));
      writeCsv(join(root, 'archive'), 'old.csv', ['O-1;2023-02-01;1;units;'], '2023-02-01T12:00:00Z');
      const outside = tempDir('amr-outside-');
      writeCsv(outside, 'secret.csv', ['S-1;2024-02-01;1;units;'], '2024-01-01T12:00:00Z');
      symlinkSync(join(outside, 'secret.csv'), join(root, 'escape.csv'));
      symlinkSync(outside, join(root, 'escape-dir'));
      symlinkSync(join(root, 'archive', 'old.csv'), join(root, 'inside.csv'));
      const batches = await poll(driver, localTarget({ path: root }));
      expect(sources(batches)).to.deep.equal(['inside.csv', 'b.csv', 'a.csv']);
      expect(batches.flatMap((b) => b.readings.map((r) => r.meterSerial))).not.to.include('S-1');
    });

    it('reads sub-folders when "recursive", never through a link', async () => {
      mkdirSync(join(root, 'archive'));
      writeCsv(join(root, 'archive'), 'old.csv', ['O-1;2023-02-01;1;units;'], '2023-02-01T12:00:00Z');
      const outside = tempDir('amr-outside-');
      writeCsv(outside, 'secret.csv', ['S-1;2024-02-01;1;units;'], '2024-01-01T12:00:00Z');
      symlinkSync(outside, join(root, 'escape-dir'));
      expect(sources(await poll(driver, localTarget({ path: root, recursive: true })))).to.deep.equal(['archive/old.csv', 'b.csv', 'a.csv']);
    });

    it('yields a malformed file as a "bad-file" problem and goes on', async () => {
      writeFileSync(join(root, 'm.csv'), 'serial;date;value\n');
      setMtime(join(root, 'm.csv'), '2024-01-01T12:00:00Z');
      const batches = await poll(driver, localTarget({ path: root }));
      expect(sources(batches)).to.deep.equal(['m.csv', 'b.csv', 'a.csv']);
      expect(batches[0]!.problems).to.deep.equal([{ code: 'bad-file', message: 'm.csv: в файле только заголовок, показаний нет', file: 'm.csv', line: 2 }]);
    });

    it('with "deleteAfterRead" deletes a file only once its batch was taken', async () => {
      const session = await driver.open(localTarget({ path: root, deleteAfterRead: true }), createDriverContext());
      const it = session.read()[Symbol.asyncIterator]();
      expect((await it.next()).value.source).to.equal('b.csv');
      expect(existsSync(join(root, 'b.csv'))).to.equal(true);
      expect((await it.next()).value.source).to.equal('a.csv');
      expect(existsSync(join(root, 'b.csv'))).to.equal(false);
      await it.return!(undefined);
      await session.close();
      expect(existsSync(join(root, 'a.csv'))).to.equal(true);
    });

    it('throws ConfigError naming the folder when it does not exist or is a file', async () => {
      let err = await caught(() => poll(driver, localTarget({ path: join(root, 'missing') })));
      expect(err).to.be.instanceOf(ConfigError);
      expect(err.message).to.equal(`Папка ${join(root, 'missing')} не существует (ENOENT). Проверьте «path».`);
      err = await caught(() => poll(driver, localTarget({ path: join(root, 'a.csv') })));
      expect(err).to.be.instanceOf(ConfigError);
      expect(err.message).to.contain('не является папкой');
    });

    it('stops with AbortedError when the signal is aborted', async () => {
      const controller = new AbortController();
      const session = await driver.open(localTarget({ path: root }), createDriverContext({ signal: controller.signal }));
      const it = session.read()[Symbol.asyncIterator]();
      await it.next();
      controller.abort();
      expect(await caught(() => it.next())).to.be.instanceOf(AbortedError);
      await session.close();
    });
  });

  describe('check()', () => {
    it('says the folder is readable and counts its readings files', async () => {
      writeFileSync(join(root, 'notes.txt'), 'x');
      expect(await driver.check(localTarget({ path: root }), createDriverContext())).to.deep.equal({
        ok: true,
        message: `Папка ${root} доступна: файлов показаний 2, из них новых 2`,
      });
    });

    it('is not ok for a missing or unreadable folder', async () => {
      const res = await driver.check(localTarget({ path: join(root, 'missing') }), createDriverContext());
      expect(res.ok).to.equal(false);
      expect(res.message).to.contain('не существует');
      if (process.getuid?.() !== 0) {
        chmodSync(root, 0o000);
        try {
          expect((await driver.check(localTarget({ path: root }), createDriverContext())).ok).to.equal(false);
        } finally {
          chmodSync(root, 0o755);
        }
      }
    });
  });
});
