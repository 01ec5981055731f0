import { expect } from 'chai';
import fc from 'fast-check';
import { parseReadingsCsv, decodeText } from '../../src/services/intake/readings-csv.js';
import { csvBatches } from '../../src/services/intake/readings-stream.js';
import { parseReadingDate, parseReadingValue } from '../../src/services/intake/readings-file.js';
import { InputError } from '../../src/plugin-api/errors.js';

const csv = (text: string) => parseReadingsCsv('r.csv', Buffer.from(text, 'utf8'));
const fails = (content: Buffer | string): InputError => {
  try {
    parseReadingsCsv('r.csv', typeof content === 'string' ? Buffer.from(content) : content);
  } catch (err) {
    expect(err).to.be.instanceOf(InputError);
    return err as InputError;
  }
  throw new Error('did not fail');
};

describe('intake/readings-csv', () => {
  describe('parseReadingsCsv()', () => {
    it('reads ; with dd.mm.yyyy and a decimal comma, and , with ISO dates and a point', () => {
      const a = csv('serial;date;value;unit;error_code\nA1;01.02.2024;1 710,5;units;\nA2;2024-02-01;5;;E2\n');
      expect(a.problems).to.deep.equal([]);
      expect(a.readings.map((r) => [r.meterSerial, r.takenAt, r.values.value, r.unit, r.errorCode, r.line, r.sourceKey])).to.deep.equal([
        ['A1', '2024-02-01', '1710.5', 'units', undefined, 2, 'file:A1:2024-02-01'],
        ['A2', '2024-02-01', '5', undefined, 'E2', 3, 'file:A2:2024-02-01'],
      ]);
      const b = csv('serial,date,value\r\nB1,2024-02-01T06:30:00+03:00,12.25\r\n"B,2",2024-02-01,"3"\r\n');
      expect(b.readings.map((r) => [r.meterSerial, r.takenAt, r.values.value])).to.deep.equal([
        ['B1', '2024-02-01T06:30:00+03:00', '12.25'],
        ['B,2', '2024-02-01', '3'],
      ]);
    });

    it('reads UTF-8 with a BOM and Windows-1251, with Russian headers', () => {
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Серийный номер;Дата;Показание\nЖ-1;01.02.2024;7\n')]);
      expect(parseReadingsCsv('bom.csv', bom).readings[0]!.meterSerial).to.equal('Ж-1');
      const cp1251 = Buffer.from([...Buffer.from('serial;date;value\n'), 0xc6, 0x2d, 0x31, ...Buffer.from(';01.02.2024;7\n')]);
      expect(decodeText(cp1251, 'x')).to.contain('Ж-1');
      expect(parseReadingsCsv('cp.csv', cp1251).readings[0]!.meterSerial).to.equal('Ж-1');
    });

    it('names line, column and reason of each bad row and reads the others', () => {
      const r = csv(['serial;date;value;unit;error_code', 'A;30.02.2024;1', ';01.02.2024;1', 'B;01.02.2024;-5', 'C;01.02.2024;1000000000', 'D;01.02.2024;abc', 'E;01.02.1900;1', 'F;01.02.2024;1;BTU', 'G;01.02.2024', 'H;01.02.2024;2'].join('\n'));
      expect(r.readings.map((x) => x.meterSerial)).to.deep.equal(['H']);
      expect(r.problems.map((p) => [p.line, p.column, p.code])).to.deep.equal([
        [2, 2, 'bad-date'],
        [3, 1, 'bad-serial'],
        [4, 3, 'bad-value'],
        [5, 3, 'bad-value'],
        [6, 3, 'bad-value'],
        [7, 2, 'bad-date'],
        [8, 4, 'bad-unit'],
        [9, 3, 'bad-value'],
      ]);
      expect(r.problems[0]!.message).to.equal('r.csv, строка 2, столбец 2 (date): «30.02.2024» — не дата (дд.мм.гггг или гггг-мм-дд, годы 1990–2100)');
      expect(r.problems[2]!.message).to.contain('отрицательное показание -5');
      expect(r.problems[3]!.message).to.contain('слишком велико');
    });

    it('refuses an empty file, a header only, a wrong header and binary garbage with a precise error', () => {
      expect(fails('').message).to.equal('r.csv: файл пуст');
      expect(fails('serial;date;value\n').message).to.equal('r.csv: в файле только заголовок, показаний нет');
      const header = fails('номер;когда;сколько\nA;01.02.2024;1\n');
      expect(header.details).to.include({ line: 1, field: 'serial' });
      expect(fails(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x50])).message).to.equal('r.csv: это не текстовый файл (двоичные данные)');
    });
  });

  describe('parseReadingDate()', () => {
    it('accepts real days from 1990 to 2100 only', () => {
      expect(parseReadingDate('29.02.2024')).to.equal('2024-02-29');
      expect(parseReadingDate('29.02.2023')).to.equal(null);
      expect(parseReadingDate('2024-02-01 06:00')).to.equal('2024-02-01T06:00');
      expect(parseReadingDate('01.02.2024 24:00')).to.equal(null);
      expect(parseReadingDate('2101-01-01')).to.equal(null);
    });
  });

  describe('parseReadingValue()', () => {
    it('keeps the digits exactly', () => {
      expect(parseReadingValue('0012,3400')).to.deep.equal({ value: '12.3400' });
      expect(parseReadingValue('999999999.999')).to.deep.equal({ value: '999999999.999' });
    });
  });

  describe('fuzz', () => {
    it('never throws anything but InputError on mutated files', () => {
      const seed = Buffer.from('serial;date;value;unit;error_code\nA1;01.02.2024;1710;units;\nA2;2024-02-01;5,5;;E2\n');
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(seed.length), (edits, cut) => {
          const b = Buffer.from(seed.subarray(0, Math.max(1, cut)));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          try {
            const batch = parseReadingsCsv('fuzz.csv', b);
            for (const r of batch.readings) expect(Number.isNaN(Date.parse(r.takenAt as string))).to.equal(false);
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
          }
        }),
        { numRuns: 3000, seed: 7 },
      );
    });

    it('the streaming parser (openamr import of big files) reads mutated files as the whole-file parser does, in chunks of any size', async () => {
      const seed = Buffer.from('serial;date;value;unit;error_code\r\nA1;01.02.2024;1710;units;\nA2;2024-02-01;5,5;;E2\n"B,3";2024-02-01T12:30;7;;\nA4;01.02.2024 08:15;1 710,5;m3;\n');
      const outcome = async (b: Buffer, chunk: number) => {
        try {
          const readings: unknown[] = [];
          const problems: unknown[] = [];
          const open = async function* () {
            for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
          };
          for await (const batch of csvBatches(open, 'fuzz.csv', 3)) {
            readings.push(...batch.readings.map((r) => ({ ...r, sourceKey: undefined })));
            problems.push(...batch.problems.map((p) => `${p.line}:${p.column}:${p.code}`));
          }
          return { readings, problems };
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          return { refused: true };
        }
      };
      let read = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(seed.length), fc.integer({ min: 1, max: 64 }), async (edits, cut, chunk) => {
          const b = Buffer.from(seed.subarray(0, Math.max(1, cut)));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          let whole: unknown;
          try {
            const batch = parseReadingsCsv('fuzz.csv', b);
            whole = { readings: batch.readings.map((r) => ({ ...r, sourceKey: undefined })), problems: batch.problems.map((p) => `${p.line}:${p.column}:${p.code}`) };
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            whole = { refused: true };
          }
          expect(await outcome(b, chunk)).to.deep.equal(whole);
          if ((whole as { readings?: unknown[] }).readings?.length) read++;
        }),
        { numRuns: 1500, seed: 11 },
      );
      expect(read, 'many mutated files still hold readings').to.be.greaterThan(300);
    });
  });
});
