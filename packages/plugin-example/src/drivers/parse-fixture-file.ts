import type { ReadBatch, RawReading, ReadProblem } from '@openamr/core/plugin-api';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const VALUE = /^\d+(\.\d+)?$/;

/**
 * Parses the example's file format: a header `serial;date;value[;error_code]`, then one
 * reading per line. Bad lines become problems naming the file, line and column; the rest
 * is read. Pure: no I/O.
 */
export function parseFixtureFile(name: string, text: string, deviceTypeId: string): ReadBatch {
  const readings: RawReading[] = [];
  const problems: ReadProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase();
  if (header !== 'serial;date;value' && header !== 'serial;date;value;error_code') {
    problems.push({ code: 'bad-header', message: `expected the header serial;date;value[;error_code], found "${lines[0] ?? ''}"`, file: name, line: 1, column: 1 });
    return { source: name, readings, problems };
  }
  lines.forEach((line, i) => {
    if (i === 0 || !line.trim()) return;
    const [serial = '', date = '', value = '', errorCode = ''] = line.split(';').map((c) => c.trim());
    const at = { file: name, line: i + 1 };
    if (!serial) return void problems.push({ code: 'bad-serial', message: 'the serial is empty', ...at, column: 1 });
    const d = DAY.exec(date);
    if (!d || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      return void problems.push({ code: 'bad-date', message: `"${date}" is not a date YYYY-MM-DD`, meterSerial: serial, ...at, column: 2 });
    }
    if (!VALUE.test(value)) {
      return void problems.push({ code: 'bad-value', message: `"${value}" is not a non-negative decimal`, meterSerial: serial, ...at, column: 3 });
    }
    readings.push({
      meterSerial: serial,
      deviceTypeId,
      takenAt: `${date}T00:00:00Z`,
      values: { volume: value },
      ...(errorCode ? { errorCode } : {}),
      sourceKey: `example:${serial}:${date}`,
    });
  });
  return { source: name, readings, problems };
}
