import { InputError } from '../../plugin-api/errors.js';
import type { ReadBatch } from '../../plugin-api/reader-driver.js';
import { mapHeader, rowsToBatch } from './readings-file.js';
import { csvTable, isXlsx, readTable } from './table-file.js';

export { decodeText, splitCsvLine } from './table-file.js';

/** A table of readings (CSV or sheet) as a batch; a header without rows refuses the file. */
export function tableToBatch(file: string, table: { header: string[]; rows: Array<{ line: number; cells: string[] }> }): ReadBatch {
  const batch = rowsToBatch(file, table.rows, mapHeader(table.header, file));
  if (!batch.readings.length && !batch.problems.length) {
    throw new InputError({ ru: `${file}: в файле только заголовок, показаний нет`, en: `${file}: the file has a header and no readings` }, { file, line: 2 });
  }
  return batch;
}

/**
 * The OpenAMR readings CSV: `serial;date;value;unit;error_code` (`;` or `,`), UTF-8 with or
 * without BOM or Windows-1251, dates dd.mm.yyyy or ISO, decimal comma or point. Line numbers
 * are the file's physical lines, the header being line 1.
 */
export async function parseReadingsFile(file: string, content: Buffer): Promise<{ format: 'csv' | 'xlsx'; batch: ReadBatch }> {
  return { format: isXlsx(content) ? 'xlsx' : 'csv', batch: tableToBatch(file, await readTable(file, content)) };
}

/** The CSV form only (synchronous; used where the content is known to be text). */
export function parseReadingsCsv(file: string, content: Buffer): ReadBatch {
  return tableToBatch(file, csvTable(file, content));
}
