import { expect } from 'chai';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../src/testing/test-app.js';
import { multipart } from '../../src/testing/multipart.js';
import { parseReadingsFile } from '../../src/services/intake/readings-csv.js';
import { InputError } from '../../src/plugin-api/errors.js';
import { ImportService } from '../../src/services/intake/import-service.js';
import { SYSTEM_ACTOR } from '../../src/services/actor.js';

/** Every kind of bad file: a precise error, and the database unchanged (counted). */
describe('intake: bad input', function () {
  this.timeout(120_000);
  let app: TestApp;
  let cookie: string;
  let dir: string;
  before(async () => {
    app = await createTestApp({ config: { demo: true } });
    cookie = (await app.loginAs('manager'))!;
    dir = mkdtempSync(join(tmpdir(), 'amr-bad-'));
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () => {
    const k = app.database.knex;
    return Promise.all(['readings', 'meters', 'buildings', 'radiators'].map(async (t) => Number((await k(t).count({ n: '*' }))[0]!.n)));
  };
  const upload = (url: string, name: string, content: Buffer) => {
    const m = multipart({}, { name, content });
    return app.inject({ method: 'POST', url, cookie, payload: m.payload, headers: m.headers });
  };
  const validXlsx = async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('x');
    ws.addRow(['serial', 'date', 'value']);
    ws.addRow(['A1-1', '01.05.2024', 2100]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };

  const CASES: Array<[string, Buffer, RegExp]> = [
    ['empty', Buffer.alloc(0), /файл пуст/],
    ['header only', Buffer.from('serial;date;value\r\n'), /только заголовок/],
    ['wrong header', Buffer.from('a;b;c\n1;2;3\n'), /нет столбцов serial, date, value/],
    ['binary garbage', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x03]), /не текстовый файл/],
    ['UTF-16 (as Excel saves «Unicode text»)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('serial;date;value\r\nA1-1;01.05.2024;2100\r\n', 'utf16le')]), /кодировка UTF-16 не поддерживается/],
    ['a damaged workbook', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]), /поврежденный файл Excel/],
    ['old .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /\.xls не поддерживается/],
  ];

  for (const [name, content, message] of CASES) {
    it(`refuses ${name} with a precise error and changes nothing`, async () => {
      const before = await counts();
      const res = await upload('/api/imports', `${name}.csv`, content);
      expect(res.statusCode, res.payload).to.equal(400);
      expect(res.json().message).to.match(message);
      expect(await counts()).to.deep.equal(before);
    });
  }

  it('lists truncated rows, wrong encodings, 10⁹ numbers, negatives and dates out of range by line, storing none of the file', async () => {
    const before = await counts();
    const text = Buffer.concat([
      Buffer.from('serial;date;value\nA1-1;01.05.2024;1000000000\nA1-2;01.05.2024;-3\nA1-3;01.05.1989;3\nA2-1;01.05.2024\n'),
      Buffer.from([0x41, 0x32, 0x2d, 0x32, 0x3b, 0xff, 0xfe, 0x3b, 0x31, 0x0a]),
      Buffer.from('A2-3;01.05.2024;601\n'),
    ]);
    const dry = (await upload('/api/imports', 'mixed.csv', text)).json();
    expect(dry.errors.map((e: { line: number; code: string }) => [e.line, e.code])).to.deep.equal([
      [2, 'bad-value'],
      [3, 'bad-value'],
      [4, 'bad-date'],
      [5, 'bad-value'],
      [6, 'bad-date'],
    ]);
    const commit = (await app.inject({ method: 'POST', url: `/api/imports/${dry.id}/commit`, cookie, payload: {} })).json();
    expect(commit.status).to.equal('refused');
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses a 200 MB upload over the limit, a 200 MB file with a wrong header at line 1, and binary data, changing nothing', async () => {
    const before = await counts();
    const big = Buffer.alloc(200 * 1024 * 1024, 0x41);
    const res = await upload('/api/imports', 'big.csv', big);
    expect(res.statusCode).to.equal(413);
    // A 200 MB file on the command line with a wrong header: refused at its first line.
    const path = join(dir, 'big.csv');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on('error', reject);
      out.write('номер;когда;сколько\n');
      const line = 'A1-1;01.05.2024;2100\n'.repeat(1024 * 64);
      let written = 0;
      const write = () => {
        while (written < 200 * 1024 * 1024) {
          written += line.length;
          if (!out.write(line)) return void out.once('drain', write);
        }
        out.end(() => resolve());
      };
      write();
    });
    const imports = app.container.resolve(ImportService);
    const { createReadStream } = await import('node:fs');
    /** What the streaming import (the CLI's path) throws for the file at `path`. */
    const refusalOf = async (skipBad: boolean): Promise<InputError> => {
      try {
        await imports.importStream(SYSTEM_ACTOR, { fileName: 'big.csv', open: () => createReadStream(path, { highWaterMark: 1 << 20 }) }, { dryRun: false, skipBad });
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        return e as InputError;
      }
      throw new Error('the file was not refused');
    };
    expect((await refusalOf(false)).details).to.include({ line: 1, field: 'serial' });
    expect(await counts()).to.deep.equal(before);
    // Binary data after a good header, through the same streaming path (the CLI's, cli/import-command.spec runs the command itself).
    writeFileSync(path, Buffer.concat([Buffer.from('serial;date;value\nA1-1;01.05.2024;2100\n'), Buffer.alloc(1024, 0)]));
    expect((await refusalOf(true)).message).to.contain('не текстовый файл');
    expect(await counts()).to.deep.equal(before);
  });

  it('never throws anything but InputError on mutated workbooks', async () => {
    const seed = await validXlsx();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const b = Buffer.from(seed);
        for (const [i, v] of edits) b[i] = v;
        try {
          await parseReadingsFile('fuzz.xlsx', b);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
      { numRuns: 30, seed: 11 },
    );
  });
});

describe('intake: other parsers (fuzz) and driver exports', function () {
  this.timeout(120_000);
  let app: TestApp;
  let cookie: string;
  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-example' }] });
    cookie = (await app.loginAs('manager'))!;
  });
  after(() => app?.close());

  const upload = (url: string, name: string, content: Buffer, fields: Record<string, string> = {}) => {
    const m = multipart(fields, { name, content });
    return app.inject({ method: 'POST', url, cookie, payload: m.payload, headers: m.headers });
  };

  it('reads a concentrator export through its driver (driverId) and names the driver as the format', async () => {
    const p = (await app.inject({ method: 'POST', url: '/api/premises', cookie, payload: { number: '1', area: 10, kind: 'residential' } })).json();
    await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: 'EX-1', deviceTypeId: 'example.water-meter', premiseId: p.id } });
    const res = await upload('/api/imports', 'export.txt', Buffer.from('serial;date;value\nEX-1;2024-01-01;12.5\nEX-1;2024-01-xx;13\n'), { driverId: 'example.fixture-file' });
    expect(res.statusCode, res.payload).to.equal(201);
    expect(res.json()).to.include({ format: 'example.fixture-file', new: 1 });
    expect(res.json().errors[0]).to.include({ line: 3, code: 'bad-date' });
    const unknown = await upload('/api/imports', 'export.txt', Buffer.from('x'), { driverId: 'nobody.driver' });
    expect(unknown.statusCode).to.equal(400);
    expect(unknown.json().message).to.equal('Нет драйвера «nobody.driver»');
  });

  it('answers every mutated radiator catalogue and legacy workbook with a result or a 400, never a 500', async () => {
    const seeds = [
      ['/api/radiators/import', Buffer.from('model;manufacturer;type;height;width;coefficient\nМС-140;Сантехлит;чугун;588;756;1,12\n')],
      ['/api/legacy-imports', await (async () => {
        const wb = new ExcelJS.Workbook();
        wb.addWorksheet('Buildings').addRow(['name', 'address']);
        wb.getWorksheet('Buildings')!.addRow(['Дом', 'ул. 1']);
        return Buffer.from(await wb.xlsx.writeBuffer());
      })()],
    ] as const;
    for (const [url, seed] of seeds) {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (edits) => {
          const b = Buffer.from(seed);
          for (const [i, v] of edits) b[i] = v;
          const res = await upload(url, 'fuzz', b);
          expect(res.statusCode, res.payload).to.be.oneOf([200, 201, 400]);
        }),
        { numRuns: 25, seed: 5 },
      );
    }
  });
});
