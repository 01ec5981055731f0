import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError, ConfigError, ConnectionError, type ConcentratorTarget, type ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext, describeReaderDriver } from '@openamr/core/testing';
import { IndivXTotalDriver, SonoCollectDriver, type FtpSettings } from '../../src/index.js';
import { freePort, startFtpServer, type TestFtpServer } from '../ftp-server.js';
import { caught, poll, setMtime, targetOf, tempDir, validSettings, writeCsv } from '../helpers.js';

const driver = new IndivXTotalDriver();
const fixtures = new URL('../fixtures/ftp/', import.meta.url).pathname;
const FIXTURE_MTIME = '2024-02-01T12:00:00Z';

function ftpTarget(port: number, raw: Partial<Record<keyof FtpSettings, unknown>> = {}, cursor?: string) {
  return targetOf<FtpSettings>(validSettings(driver, { user: 'reader', password: 'secret', ...raw }), { host: '127.0.0.1', port, cursor });
}

const serials = (b: ReadBatch) => b.readings.map((r) => r.meterSerial);
const cursorFiles = (b: ReadBatch) => (JSON.parse(b.cursor!) as { files: Array<[string, number, string]> }).files.map((f) => f[0]);

describe('FtpConcentratorDriver (over a real FTP server)', () => {
  describe('conformance', () => {
    let server: TestFtpServer;
    before(async () => {
      server = await startFtpServer({ root: fixtures });
    });
    after(() => server?.close());

    for (const Driver of [IndivXTotalDriver, SonoCollectDriver]) {
      describeReaderDriver(Driver, {
        validSettings: { user: 'reader', password: 'secret' },
        invalidSettings: [{}, { user: 'reader', secure: 'yes' }, { user: 'reader', maxFileMb: 0 }, { user: 'reader', pattern: '*.{csv' }, { user: 'reader', timeoutMs: 10 }],
        fixturesDir: fixtures,
        target: (dir) => {
          for (const f of ['a.csv', 'b.csv']) if (existsSync(join(dir, 'input', f))) setMtime(join(dir, 'input', f), FIXTURE_MTIME);
          return ftpTarget(server.port, { directory: `/${dir.split('/').filter(Boolean).pop()}/input` }) as unknown as ConcentratorTarget;
        },
      });
    }
  });

  describe('open() and read()', () => {
    let root: string;
    let server: TestFtpServer;

    beforeEach(async () => {
      root = tempDir();
      writeCsv(root, 'a.csv', ['A1-1;01.02.2024;1710;units;', 'A1-2;01.02.2024;1450;units;E2'], '2024-02-02T12:00:00Z');
      writeCsv(root, 'b.csv', ['W-1;2024-01-01;123,456;m3;'], '2024-01-02T12:00:00Z');
      server = await startFtpServer({ root });
    });
    afterEach(() => server?.close());

    it('yields one batch per file, oldest first, each with a cursor that includes it', async () => {
      const batches = await poll(driver, ftpTarget(server.port));
      expect(batches.map((b) => b.source)).to.deep.equal(['b.csv', 'a.csv']);
      expect(batches.map(serials)).to.deep.equal([['W-1'], ['A1-1', 'A1-2']]);
      expect(batches[1]!.readings[1]).to.include({ errorCode: 'E2' });
      expect(batches.every((b) => b.problems.length === 0)).to.equal(true);
      expect(cursorFiles(batches[0]!)).to.deep.equal(['b.csv']);
      expect(cursorFiles(batches[1]!)).to.deep.equal(['b.csv', 'a.csv']);
      expect(JSON.parse(batches[1]!.cursor!)).to.deep.equal({ v: 1, files: [['b.csv', 61, 'Jan 02 2024'], ['a.csv', 92, 'Feb 02 2024']] });
    });

    it('yields nothing when polled again with the cursor it returned', async () => {
      const first = await poll(driver, ftpTarget(server.port));
      expect(await poll(driver, ftpTarget(server.port, {}, first.at(-1)!.cursor))).to.deep.equal([]);
    });

    it('reads a file again when its size or its modification time changed, and only that file', async () => {
      let cursor = (await poll(driver, ftpTarget(server.port))).at(-1)!.cursor;
      writeCsv(root, 'a.csv', ['A1-1;01.02.2024;1710;units;', 'A1-2;01.02.2024;1450;units;E2', 'A1-3;01.02.2024;7;units;'], '2024-02-02T12:00:00Z');
      let again = await poll(driver, ftpTarget(server.port, {}, cursor));
      expect(again.map((b) => b.source)).to.deep.equal(['a.csv']);
      expect(serials(again[0]!)).to.deep.equal(['A1-1', 'A1-2', 'A1-3']);
      cursor = again[0]!.cursor;
      setMtime(join(root, 'b.csv'), '2024-01-05T12:00:00Z');
      again = await poll(driver, ftpTarget(server.port, {}, cursor));
      expect(again.map((b) => b.source)).to.deep.equal(['b.csv']);
      expect(await poll(driver, ftpTarget(server.port, {}, again[0]!.cursor))).to.deep.equal([]);
    });

    it('keeps in the cursor only the files still in the folder', async () => {
      const cursor = (await poll(driver, ftpTarget(server.port))).at(-1)!.cursor;
      execFileSync('rm', [join(root, 'b.csv')]);
      writeCsv(root, 'c.csv', ['C-1;2024-02-03;1;units;'], '2024-02-03T12:00:00Z');
      const batches = await poll(driver, ftpTarget(server.port, {}, cursor));
      expect(batches.map((b) => b.source)).to.deep.equal(['c.csv']);
      expect(cursorFiles(batches[0]!)).to.deep.equal(['a.csv', 'c.csv']);
    });

    it('reads only files matching "pattern" (default: .csv and .xlsx), and reads a damaged cursor as empty', async () => {
      writeFileSync(join(root, 'notes.txt'), 'not readings');
      writeCsv(root, '.upload.csv', ['X-1;2024-02-03;1;units;'], '2024-02-03T12:00:00Z');
      expect((await poll(driver, ftpTarget(server.port, {}, '{"broken'))).map((b) => b.source)).to.deep.equal(['b.csv', 'a.csv']);
      expect((await poll(driver, ftpTarget(server.port, { pattern: 'a.*' }))).map((b) => b.source)).to.deep.equal(['a.csv']);
    });

    it('reads the configured directory', async () => {
      mkdirSync(join(root, 'export'));
      writeCsv(join(root, 'export'), 'x.csv', ['X-1;2024-02-03;1;units;'], '2024-02-03T12:00:00Z');
      expect((await poll(driver, ftpTarget(server.port, { directory: '/export' }))).map((b) => b.source)).to.deep.equal(['x.csv']);
    });

    it('yields a malformed file as a "bad-file" problem in a batch of its own and goes on with the good ones', async () => {
      writeFileSync(join(root, 'm.csv'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9]));
      setMtime(join(root, 'm.csv'), '2024-01-15T12:00:00Z');
      const batches = await poll(driver, ftpTarget(server.port));
      expect(batches.map((b) => b.source)).to.deep.equal(['b.csv', 'm.csv', 'a.csv']);
      expect(batches[1]!.readings).to.deep.equal([]);
      expect(batches[1]!.problems).to.have.length(1);
      expect(batches[1]!.problems[0]).to.include({ code: 'bad-file', file: 'm.csv' });
      expect(cursorFiles(batches[1]!)).to.deep.equal(['b.csv', 'm.csv']);
      expect(serials(batches[2]!)).to.deep.equal(['A1-1', 'A1-2']);
    });

    it('does not download a file larger than "maxFileMb": a "file-too-large" problem', async () => {
      const batches = await poll(driver, ftpTarget(server.port, { maxFileMb: 80 / 1024 / 1024 }));
      expect(batches.map((b) => b.source)).to.deep.equal(['b.csv', 'a.csv']);
      expect(serials(batches[0]!)).to.deep.equal(['W-1']);
      expect(batches[1]!.problems[0]).to.include({ code: 'file-too-large', file: 'a.csv' });
    });

    it('never deletes a file unless "deleteAfterRead"; then deletes a file only once its batch was taken', async () => {
      await poll(driver, ftpTarget(server.port));
      expect(existsSync(join(root, 'a.csv')) && existsSync(join(root, 'b.csv'))).to.equal(true);

      writeFileSync(join(root, 'm.csv'), 'garbage');
      setMtime(join(root, 'm.csv'), '2024-01-01T12:00:00Z');
      const session = await driver.open(ftpTarget(server.port, { deleteAfterRead: true }), createDriverContext());
      const it = session.read()[Symbol.asyncIterator]();
      expect((await it.next()).value.problems[0].code).to.equal('bad-file');
      expect((await it.next()).value.source).to.equal('b.csv');
      expect(existsSync(join(root, 'b.csv')), 'deleted before the core asked for more').to.equal(true);
      expect((await it.next()).value.source).to.equal('a.csv');
      expect(existsSync(join(root, 'b.csv')), 'b.csv once the core took its batch').to.equal(false);
      await it.return!(undefined); // the core stopped before storing a.csv's batch
      await session.close();
      expect(existsSync(join(root, 'a.csv')), 'a.csv was not stored').to.equal(true);
      expect(existsSync(join(root, 'm.csv')), 'a bad file stays for the operator').to.equal(true);
    });

    it('close() may be called more than once', async () => {
      const session = await driver.open(ftpTarget(server.port), createDriverContext());
      await session.close();
      await session.close();
    });
  });

  describe('a dead concentrator', () => {
    it('throws ConnectionError naming host:port when nothing listens', async () => {
      const port = await freePort();
      const err = await caught(() => poll(driver, ftpTarget(port)));
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.contain(`127.0.0.1:${port}`).and.contain('недоступен');
      expect((err as ConnectionError).messageIn('en')).to.contain(`FTP server 127.0.0.1:${port} is unreachable`);
    });

    it('throws ConnectionError saying the login was refused', async () => {
      const server = await startFtpServer({ root: tempDir() });
      try {
        const err = await caught(() => poll(driver, ftpTarget(server.port, { password: 'wrong' })));
        expect(err).to.be.instanceOf(ConnectionError);
        expect(err.message).to.contain(`FTP-сервер 127.0.0.1:${server.port} отклонил вход пользователя «reader»`).and.contain('530');
      } finally {
        await server.close();
      }
    });

    it('throws ConfigError when the directory does not exist', async () => {
      const server = await startFtpServer({ root: tempDir() });
      try {
        const err = await caught(() => poll(driver, ftpTarget(server.port, { directory: '/nope' })));
        expect(err).to.be.instanceOf(ConfigError);
        expect(err.message).to.contain('нет папки /nope');
      } finally {
        await server.close();
      }
    });

    it('throws ConnectionError when the connection drops mid-transfer, yields no part of that file, and the next poll reads it', async () => {
      const root = tempDir();
      writeCsv(root, 'a.csv', ['A-1;2024-02-01;1;units;'], '2024-01-01T12:00:00Z');
      const rows = Array.from({ length: 40_000 }, (_, i) => `BIG-${i};2024-02-01;${i};units;`);
      writeCsv(root, 'big.csv', rows, '2024-02-01T12:00:00Z');
      const port = await freePort();
      let server: TestFtpServer;
      server = await startFtpServer({ root, port, stall: { name: 'big.csv', bytes: 100_000, onStall: () => server.dropConnections() } });
      const session = await driver.open(ftpTarget(port), createDriverContext());
      const yielded: ReadBatch[] = [];
      const err = await caught(async () => {
        for await (const b of session.read()) yielded.push(b);
      });
      await session.close();
      await server.close();
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.contain(`127.0.0.1:${port}`);
      expect(yielded.map((b) => b.source)).to.deep.equal(['a.csv']);

      server = await startFtpServer({ root, port });
      try {
        const next = await poll(driver, ftpTarget(port, {}, yielded[0]!.cursor));
        expect(next.map((b) => b.source)).to.deep.equal(['big.csv']);
        expect(next[0]!.readings).to.have.length(40_000);
      } finally {
        await server.close();
      }
    });

    it('ends the session promptly with AbortedError when the signal is aborted mid-transfer', async () => {
      const root = tempDir();
      writeCsv(root, 'big.csv', Array.from({ length: 20_000 }, (_, i) => `BIG-${i};2024-02-01;${i};units;`), '2024-02-01T12:00:00Z');
      const controller = new AbortController();
      const server = await startFtpServer({ root, stall: { name: 'big.csv', bytes: 50_000, onStall: () => controller.abort(new Error('timeout')) } });
      try {
        const started = Date.now();
        const err = await caught(() => poll(driver, ftpTarget(server.port, { timeoutMs: 30_000 }), controller.signal));
        expect(err).to.be.instanceOf(AbortedError);
        expect(Date.now() - started).to.be.below(5_000);
      } finally {
        await server.close();
      }
    });

    it('refuses to start when already aborted', async () => {
      const port = await freePort();
      const err = await caught(() => driver.open(ftpTarget(port), createDriverContext({ signal: AbortSignal.abort() })));
      expect(err).to.be.instanceOf(AbortedError);
    });
  });

  describe('check()', () => {
    it('connects, logs in and counts the readings files in Russian', async () => {
      const root = tempDir();
      writeCsv(root, 'a.csv', ['A-1;2024-02-01;1;units;'], '2024-01-01T12:00:00Z');
      writeFileSync(join(root, 'readme.txt'), 'x');
      const server = await startFtpServer({ root });
      try {
        const res = await driver.check(ftpTarget(server.port), createDriverContext());
        expect(res).to.deep.equal({ ok: true, message: `FTP-сервер 127.0.0.1:${server.port} доступен, папка /: файлов показаний 1, из них новых 1` });
        const refused = await driver.check(ftpTarget(server.port, { password: 'x' }), createDriverContext());
        expect(refused.ok).to.equal(false);
        expect(refused.message).to.contain('отклонил вход');
      } finally {
        await server.close();
      }
    });

    it('is not ok when the server is down', async () => {
      const res = await driver.check(ftpTarget(await freePort()), createDriverContext());
      expect(res.ok).to.equal(false);
      expect(res.message).to.contain('недоступен');
    });
  });

  describe('importFile()', () => {
    it('reads an uploaded export of the concentrator', async () => {
      const [batch] = await driver.importFile({ name: 'export.csv', content: Buffer.from('serial;date;value\nA-1;01.02.2024;5\n') });
      expect(batch!.readings.map((r) => r.meterSerial)).to.deep.equal(['A-1']);
    });
  });

  describe('explicit FTPS', () => {
    let tls: { key: string; cert: string } | undefined;
    before(function () {
      const dir = tempDir('amr-ftps-');
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
        tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
      } catch {
        this.skip();
      }
    });

    it('reads over TLS, and refuses a self-signed certificate unless "verifyCertificate" is off', async () => {
      const root = tempDir();
      writeCsv(root, 'a.csv', ['A-1;2024-02-01;1;units;'], '2024-01-01T12:00:00Z');
      const server = await startFtpServer({ root, tls });
      try {
        const batches = await poll(driver, ftpTarget(server.port, { secure: true, verifyCertificate: false }));
        expect(batches.map((b) => b.source)).to.deep.equal(['a.csv']);
        const err = await caught(() => poll(driver, ftpTarget(server.port, { secure: true })));
        expect(err).to.be.instanceOf(ConfigError);
        expect(err.message).to.contain('verifyCertificate');
      } finally {
        await server.close();
      }
    });

    it('is a ConfigError when the server offers no FTPS', async () => {
      const server = await startFtpServer({ root: tempDir() });
      try {
        const err = await caught(() => poll(driver, ftpTarget(server.port, { secure: true })));
        expect(err).to.be.instanceOf(ConfigError);
        expect(err.message).to.contain('не поддерживает FTPS');
      } finally {
        await server.close();
      }
    });
  });
});
