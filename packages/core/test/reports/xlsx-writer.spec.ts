import { expect } from 'chai';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tablesToXlsx, type ReportTable } from '../../src/plugin-api/report-output.js';
import { columnLetters, writeXlsx, zip } from '../../src/plugin-api/xlsx-writer.js';

async function read(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

const table: ReportTable = {
  name: 'Приборы',
  title: ['Расход воды: Дом 1', 'ул. Ленина, 1'],
  columns: [
    { key: 'premise', header: 'Помещение', width: 12 },
    { key: 'value', header: 'Показание, м³', width: 14, numFmt: '0.000' },
    { key: 'note', header: 'Примечание' },
  ],
  rows: [
    { premise: 'Кв.1', value: '123.456789012345678901', note: 'a & b < c > "d"' },
    { premise: 'Кв.2', value: 'нет показаний', note: '  leading and trailing  ' },
    { premise: 'Кв.3', value: -0.5, note: 'bell\u0007 removed' },
  ],
  highlight: (r) => r.value === 'нет показаний',
  totals: [{ premise: 'Итого', value: '123.956789012345678901' }],
};

describe('plugin-api/xlsx-writer: the plain-table workbook, read back with exceljs', () => {
  it('writes the title block, a frozen styled header, exact decimals, red and bold rows', async () => {
    const wb = await read(await tablesToXlsx([table, { ...table, name: 'Второй', title: undefined, totals: undefined }]));
    expect(wb.creator).to.equal('OpenAMR');
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Приборы', 'Второй']);
    const ws = wb.getWorksheet('Приборы')!;
    expect(ws.getCell('A1').value).to.equal('Расход воды: Дом 1');
    expect(ws.getCell('A1').font?.bold).to.equal(true);
    expect(ws.getCell('A2').font?.bold).to.not.equal(true);
    expect(ws.getRow(3).cellCount).to.equal(0);
    expect(ws.getRow(4).values).to.deep.equal([undefined, 'Помещение', 'Показание, м³', 'Примечание']);
    const header = ws.getCell('B4');
    expect(header.font?.bold).to.equal(true);
    expect(header.fill).to.deep.include({ type: 'pattern', pattern: 'solid' });
    expect((header.fill as ExcelJS.FillPattern).fgColor?.argb).to.equal('FFE8EEF4');
    expect(header.border?.bottom?.style).to.equal('thin');
    expect(header.alignment).to.deep.include({ wrapText: true, vertical: 'middle' });
    expect(ws.views[0]).to.deep.include({ state: 'frozen', ySplit: 4 });
    expect(ws.getColumn(1).width).to.equal(12);
    expect(ws.getColumn(3).width).to.equal(12); // «Примечание».length + 2
    // A decimal column: numbers with the format; the digits as they were given.
    expect(ws.getCell('B5').value).to.equal(123.45678901234568);
    expect(ws.getCell('B5').numFmt).to.equal('0.000');
    expect(ws.getCell('B7').value).to.equal(-0.5);
    // Text that is not a number stays text, in red with the rest of its row.
    expect(ws.getCell('B6').value).to.equal('нет показаний');
    expect(ws.getCell('A6').font?.color?.argb).to.equal('FFC0392B');
    expect(ws.getCell('A5').font?.color).to.equal(undefined);
    expect(ws.getCell('C5').value).to.equal('a & b < c > "d"');
    expect(ws.getCell('C6').value).to.equal('  leading and trailing  ');
    expect(ws.getCell('C7').value).to.equal('bell removed');
    // Totals after a blank row, bold, keeping the number format.
    expect(ws.getRow(8).cellCount).to.equal(0);
    expect(ws.getCell('A9').value).to.equal('Итого');
    expect(ws.getCell('B9').font?.bold).to.equal(true);
    expect(ws.getCell('B9').numFmt).to.equal('0.000');
    const second = wb.getWorksheet('Второй')!;
    expect(second.getCell('A1').value).to.equal('Помещение');
    expect(second.views[0]).to.deep.include({ state: 'frozen', ySplit: 1 });
  });

  it('keeps a decimal string exactly in the file, not rounded through a float', async () => {
    const buf = writeXlsx([{ name: 'S', widths: [], rows: [{ values: ['0.1000000000000000055511151231257827'], numeric: [true] }] }]);
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    writeFileSync(join(dir, 'a.xlsx'), buf);
    // The system's unzip reads the archive (a check of the ZIP container itself).
    const xml = execFileSync('unzip', ['-p', join(dir, 'a.xlsx'), 'xl/worksheets/sheet1.xml']).toString();
    expect(xml).to.contain('<v>0.1000000000000000055511151231257827</v>');
    expect(execFileSync('unzip', ['-t', join(dir, 'a.xlsx')]).toString()).to.contain('No errors detected');
  });

  it('writes dates as Excel dates, booleans, numbers and empty cells', async () => {
    const when = new Date(Date.UTC(2024, 2, 1, 12, 0, 0));
    const wb = await read(
      writeXlsx([{ name: 'S', widths: [10], rows: [{ values: [when, true, 42, null, 'x'] }] }]),
    );
    const ws = wb.worksheets[0]!;
    expect((ws.getCell('A1').value as Date).toISOString()).to.equal(when.toISOString());
    expect(ws.getCell('A1').numFmt).to.equal('yyyy-mm-dd');
    expect(ws.getCell('B1').value).to.equal(true);
    expect(ws.getCell('C1').value).to.equal(42);
    expect(ws.getCell('D1').value).to.equal(null);
    expect(ws.getCell('E1').value).to.equal('x');
  });

  it('makes sheet names valid and unique', async () => {
    const long = 'Очень длинное имя листа, больше тридцати одного знака';
    const wb = await read(writeXlsx([{ name: 'a/b:c', widths: [], rows: [] }, { name: long, widths: [], rows: [] }, { name: long, widths: [], rows: [] }]));
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).to.equal('a b c');
    expect(names[1]).to.have.length(31);
    expect(new Set(names.map((n) => n.toLowerCase())).size).to.equal(3);
  });

  it('names columns like Excel', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).to.deep.equal(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('round-trips any text and any decimal through exceljs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(12)), { minLength: 1, maxLength: 20 }),
        async (rows) => {
          const wb = await read(
            writeXlsx([{ name: 'P', widths: [], rows: rows.map(([text, n, scale]) => ({ values: [text, decimal(n, scale)], numeric: [false, true] })) }]),
          );
          const ws = wb.worksheets[0]!;
          rows.forEach(([text, n, scale], i) => {
            // XML 1.0 cannot hold control characters or lone surrogates; everything else survives.
            const expected = text.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, '').replace(/\r\n?/g, '\n');
            const got = ws.getCell(i + 1, 1).value;
            if (expected === '') expect(got).to.equal(null);
            else if (!/[\uD800-\uDFFF]/.test(expected)) expect(String(got).replace(/\r\n?/g, '\n')).to.equal(expected);
            expect(ws.getCell(i + 1, 2).value).to.equal(Number(decimal(n, scale)));
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('zips entries that the system unzip lists and extracts, names in UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    const big = Buffer.from('строка '.repeat(50_000));
    writeFileSync(join(dir, 'z.zip'), zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'dir/b.txt', data: big }, { name: 'папка/пусто', data: Buffer.alloc(0) }]));
    expect(execFileSync('unzip', ['-p', join(dir, 'z.zip'), 'a.txt']).toString()).to.equal('hello');
    expect(execFileSync('unzip', ['-p', join(dir, 'z.zip'), 'dir/b.txt']).equals(big)).to.equal(true);
    const archive = await JSZip.loadAsync(readFileSync(join(dir, 'z.zip')));
    expect(Object.keys(archive.files)).to.deep.equal(['a.txt', 'dir/b.txt', 'папка/пусто']);
    expect((await archive.file('папка/пусто')!.async('nodebuffer')).length).to.equal(0);
    expect(execFileSync('unzip', ['-t', join(dir, 'z.zip')]).toString()).to.contain('No errors detected');
  });
});

function decimal(n: bigint, scale: number): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const s = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${s}` : s;
}
