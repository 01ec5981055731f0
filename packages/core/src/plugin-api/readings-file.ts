import type { ReadBatch, UploadedFile } from './reader-driver.js';
import { parseReadingsFile } from '../services/intake/readings-csv.js';

/**
 * Parses a file in the OpenAMR readings format (CSV `serial;date;value;unit;error_code` in
 * UTF-8 or Windows-1251, or the same columns in an .xlsx sheet; detected from the content) —
 * for drivers whose concentrators write that format (docs/formats.md). Bad rows are problems
 * naming the file, line and column; a file that cannot be read at all (binary, no header,
 * header only) throws `InputError`. Source keys are `file:<serial>:<date>`, so a file
 * delivered twice stores nothing the second time.
 */
export async function readingsFromFile(file: UploadedFile): Promise<ReadBatch> {
  return (await parseReadingsFile(file.name, file.content)).batch;
}
