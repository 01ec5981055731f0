import ExcelJS from 'exceljs';
import { InputError } from '../../plugin-api/errors.js';
import type { ReadBatch } from '../../plugin-api/reader-driver.js';
import { mapHeader, rowsToBatch } from './readings-file.js';

/** An Excel cell as the text the CSV would have: dates as yyyy-mm-dd (or with the time), numbers exactly as stored. */
function cellText(v: ExcelJS.CellValue): string {
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

/** The same columns as the CSV in the first sheet of an .xlsx workbook. */
export async function parseReadingsXlsx(file: string, content: Buffer): Promise<ReadBatch> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(content as never);
  } catch (err) {
    throw new InputError({ ru: `${file}: поврежденный файл Excel (${(err as Error).message})`, en: `${file}: a damaged Excel file (${(err as Error).message})` }, { file });
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.actualRowCount === 0) throw new InputError({ ru: `${file}: в книге нет данных`, en: `${file}: the workbook holds no data` }, { file, line: 1 });
  const rows: Array<{ line: number; cells: string[] }> = [];
  let header: string[] | undefined;
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
    if (n === 1) header = cells;
    else rows.push({ line: n, cells });
  });
  const map = mapHeader(header ?? [], file);
  const batch = rowsToBatch(file, rows, map);
  if (!batch.readings.length && !batch.problems.length) {
    throw new InputError({ ru: `${file}: на листе только заголовок, показаний нет`, en: `${file}: the sheet has a header and no readings` }, { file, line: 2 });
  }
  return batch;
}
