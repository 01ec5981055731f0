import { TextDecoder } from 'node:util';
import { InputError } from '../../plugin-api/errors.js';
import type { ReadBatch } from '../../plugin-api/reader-driver.js';
import { mapHeader, rowsToBatch } from './readings-file.js';
import { refuseNonText, splitCsvLine } from './table-file.js';

export type ByteSource = () => AsyncIterable<Buffer>;

/** UTF-8 unless the file's first megabyte is not valid UTF-8 (then Windows-1251); a BOM is skipped. */
function chooseDecoder(head: Buffer, file: string): { decoder: TextDecoder; skip: number } {
  refuseNonText(head, file);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { decoder: new TextDecoder('utf-8'), skip: 3 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { decoder: new TextDecoder('utf-8'), skip: 0 };
  } catch {
    return { decoder: new TextDecoder('windows-1251'), skip: 0 };
  }
}

/**
 * The lines of a CSV file as it streams in, with their physical line numbers (1-based):
 * memory stays bounded whatever the file size.
 */
export async function* csvLines(open: ByteSource, file: string, onBytes?: (n: number) => void): AsyncGenerator<{ line: number; text: string }> {
  let decoder: TextDecoder | undefined;
  let rest = '';
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (chunk: string) => {
    rest += chunk;
    const parts = rest.split('\n');
    rest = parts.pop()!;
    return parts;
  };
  for await (const chunk of open()) {
    onBytes?.(chunk.length);
    if (!decoder) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < 1024 * 1024) continue;
      const head = Buffer.concat(pending);
      pending = [];
      const chosen = chooseDecoder(head, file);
      decoder = chosen.decoder;
      for (const text of flush(decoder.decode(head.subarray(chosen.skip), { stream: true }))) yield { line: ++line, text: text.replace(/\r$/, '') };
      continue;
    }
    if (chunk.includes(0)) throw new InputError({ ru: `${file}: двоичные данные в строке ${line + 1}`, en: `${file}: binary data at line ${line + 1}` }, { file, line: line + 1 });
    for (const text of flush(decoder.decode(chunk, { stream: true }))) yield { line: ++line, text: text.replace(/\r$/, '') };
  }
  if (!decoder) {
    const head = Buffer.concat(pending);
    const chosen = chooseDecoder(head, file);
    decoder = chosen.decoder;
    for (const text of flush(decoder.decode(head.subarray(chosen.skip), { stream: true }))) yield { line: ++line, text: text.replace(/\r$/, '') };
  }
  const last = rest + decoder.decode();
  if (last.length) yield { line: ++line, text: last.replace(/\r$/, '') };
}

/** A readings CSV as a stream of batches of at most `size` readings (bad rows as problems). */
export async function* csvBatches(open: ByteSource, file: string, size = 10_000, onBytes?: (n: number) => void): AsyncGenerator<ReadBatch> {
  let map: ReturnType<typeof mapHeader> | undefined;
  let delimiter = ';';
  let rows: Array<{ line: number; cells: string[] }> = [];
  let any = false;
  for await (const { line, text } of csvLines(open, file, onBytes)) {
    if (!map) {
      if (!text.trim()) throw new InputError({ ru: `${file}: файл пуст`, en: `${file}: the file is empty` }, { file, line: 1 });
      delimiter = (text.match(/;/g)?.length ?? 0) >= (text.match(/,/g)?.length ?? 0) ? ';' : ',';
      map = mapHeader(splitCsvLine(text, delimiter), file);
      continue;
    }
    rows.push({ line, cells: splitCsvLine(text, delimiter) });
    if (rows.length >= size) {
      const batch = rowsToBatch(file, rows, map);
      any ||= batch.readings.length + batch.problems.length > 0;
      yield batch;
      rows = [];
    }
  }
  if (!map) throw new InputError({ ru: `${file}: файл пуст`, en: `${file}: the file is empty` }, { file, line: 1 });
  const batch = rowsToBatch(file, rows, map);
  any ||= batch.readings.length + batch.problems.length > 0;
  if (!any) throw new InputError({ ru: `${file}: в файле только заголовок, показаний нет`, en: `${file}: the file has a header and no readings` }, { file, line: 2 });
  yield batch;
}
