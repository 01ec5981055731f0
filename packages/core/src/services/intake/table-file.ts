import ExcelJS from 'exceljs';
import { InputError } from '../../plugin-api/errors.js';

/** Refuses what is not text in UTF-8 or Windows-1251: UTF-16 (by its byte order mark) and binary data (NUL bytes). */
export function refuseNonText(content: Buffer, file: string): void {
  if ((content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff)) {
    throw new InputError(
      { ru: `${file}: кодировка UTF-16 не поддерживается — сохраните файл в UTF-8 или Windows-1251`, en: `${file}: UTF-16 is not supported — save the file as UTF-8 or Windows-1251` },
      { file, line: 1 },
    );
  }
  if (content.includes(0)) {
    throw new InputError({ ru: `${file}: это не текстовый файл (двоичные данные)`, en: `${file}: not a text file (binary data)` }, { file });
  }
}

/** UTF-8 (with or without BOM) or, when it is not valid UTF-8, Windows-1251. */
export function decodeText(content: Buffer, file: string): string {
  refuseNonText(content, file);
  const body = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? content.subarray(3) : content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('windows-1251').decode(body);
  }
}

/** Splits one CSV line: `;` or `,` separated, double quotes with "" escapes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

export interface TableRow {
  line: number;
  cells: string[];
}

export interface Table {
  header: string[];
  rows: TableRow[];
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

export function isXlsx(content: Buffer): boolean {
  return content.subarray(0, 4).equals(XLSX_MAGIC);
}

export function refuseXls(file: string, content: Buffer): void {
  if (content.subarray(0, 4).equals(OLE_MAGIC)) {
    throw new InputError(
      { ru: `${file}: формат .xls не поддерживается — сохраните книгу как .xlsx или CSV`, en: `${file}: the .xls format is not supported — save the workbook as .xlsx or CSV` },
      { file },
    );
  }
}

/** An Excel cell as the text a CSV would hold: dates as yyyy-mm-dd (or with the time), numbers as stored. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
  }
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

/** A CSV table: header in line 1, `;` or `,`, UTF-8 or Windows-1251. */
export function csvTable(file: string, content: Buffer): Table {
  const text = decodeText(content, file);
  if (!text.trim()) throw new InputError({ ru: `${file}: файл пуст`, en: `${file}: the file is empty` }, { file, line: 1 });
  const lines = text.split(/\r?\n/);
  const head = lines[0]!;
  const delimiter = (head.match(/;/g)?.length ?? 0) >= (head.match(/,/g)?.length ?? 0) ? ';' : ',';
  return { header: splitCsvLine(head, delimiter), rows: lines.slice(1).map((line, i) => ({ line: i + 2, cells: splitCsvLine(line, delimiter) })) };
}

export async function loadWorkbook(file: string, content: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(content as never);
  } catch (err) {
    throw new InputError({ ru: `${file}: поврежденный файл Excel (${(err as Error).message})`, en: `${file}: a damaged Excel file (${(err as Error).message})` }, { file });
  }
  return wb;
}

/** A sheet as a table: header in row 1; row numbers are the sheet's. */
export function sheetTable(ws: ExcelJS.Worksheet): Table {
  const rows: TableRow[] = [];
  let header: string[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
    if (n === 1) header = cells;
    else rows.push({ line: n, cells });
  });
  return { header, rows };
}

/** A CSV or the first sheet of an .xlsx, told apart by the content. */
export async function readTable(file: string, content: Buffer): Promise<Table> {
  refuseXls(file, content);
  if (!isXlsx(content)) return csvTable(file, content);
  const wb = await loadWorkbook(file, content);
  const ws = wb.worksheets[0];
  if (!ws || ws.actualRowCount === 0) throw new InputError({ ru: `${file}: в книге нет данных`, en: `${file}: the workbook holds no data` }, { file, line: 1 });
  return sheetTable(ws);
}
