import { InputError } from '../../plugin-api/errors.js';
import type { ReadBatch } from '../../plugin-api/reader-driver.js';
import { mapHeader, rowsToBatch } from './readings-file.js';

/** UTF-8 (with or without BOM) or, when it is not valid UTF-8, Windows-1251. */
export function decodeText(content: Buffer, file: string): string {
  if (content.includes(0)) {
    throw new InputError({ ru: `${file}: это не текстовый файл (двоичные данные)`, en: `${file}: not a text file (binary data)` }, { file });
  }
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

/**
 * The OpenAMR readings CSV: `serial;date;value;unit;error_code` (`;` or `,`), UTF-8 with or
 * without BOM or Windows-1251, dates dd.mm.yyyy or ISO, decimal comma or point. Line numbers
 * are the file's physical lines, the header being line 1.
 */
export function parseReadingsCsv(file: string, content: Buffer): ReadBatch {
  const text = decodeText(content, file);
  const lines = text.split(/\r?\n/);
  if (!text.trim()) throw new InputError({ ru: `${file}: файл пуст`, en: `${file}: the file is empty` }, { file, line: 1 });
  const header = lines[0]!;
  const delimiter = (header.match(/;/g)?.length ?? 0) >= (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  const map = mapHeader(splitCsvLine(header, delimiter), file);
  const rows = lines.slice(1).map((line, i) => ({ line: i + 2, cells: splitCsvLine(line, delimiter) }));
  const batch = rowsToBatch(file, rows, map);
  if (!batch.readings.length && !batch.problems.length) {
    throw new InputError({ ru: `${file}: в файле только заголовок, показаний нет`, en: `${file}: the file has a header and no readings` }, { file, line: 2 });
  }
  return batch;
}
