import { InputError } from '../../plugin-api/errors.js';
import type { RawReading, ReadBatch, ReadProblem } from '../../plugin-api/reader-driver.js';

/** The columns of the OpenAMR readings file, with the header names we accept for each. */
export const READING_COLUMNS = {
  serial: ['serial', 'серийный номер', 'заводской номер', 'номер прибора', 'serial number'],
  date: ['date', 'дата', 'дата показания', 'datetime', 'taken_at'],
  value: ['value', 'показание', 'значение', 'reading'],
  unit: ['unit', 'ед.', 'ед', 'единица', 'единицы'],
  error_code: ['error_code', 'error', 'код ошибки', 'ошибка', 'errorcode'],
} as const;

export type ReadingColumn = keyof typeof READING_COLUMNS;

const UNITS = new Set(['Gcal', 'GJ', 'MJ', 'MWh', 'kWh', 'Wh', 'm3', 'l', 'units']);
const MAX_VALUE = 1_000_000_000;

/** Maps a header row to column positions; a missing required column is an error naming it. */
export function mapHeader(cells: string[], file: string): Partial<Record<ReadingColumn, number>> {
  const map: Partial<Record<ReadingColumn, number>> = {};
  cells.forEach((cell, i) => {
    const name = cell.trim().toLowerCase().replace(/^\uFEFF/, '');
    for (const [col, names] of Object.entries(READING_COLUMNS) as Array<[ReadingColumn, readonly string[]]>) {
      if (names.includes(name) && map[col] === undefined) map[col] = i;
    }
  });
  const missing = (['serial', 'date', 'value'] as const).filter((c) => map[c] === undefined);
  if (missing.length) {
    throw new InputError(
      {
        ru: `${file}, строка 1: нет столбцов ${missing.join(', ')}. Ожидается заголовок serial;date;value;unit;error_code`,
        en: `${file}, line 1: no column ${missing.join(', ')}. Expected the header serial;date;value;unit;error_code`,
      },
      { file, line: 1, column: 1, field: missing[0] },
    );
  }
  return map;
}

const DMY = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1990 || y > 2100) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const pad = (n: number | string) => String(n).padStart(2, '0');

/**
 * A reading's date: `dd.mm.yyyy` or ISO `yyyy-mm-dd` — the day, stored at 00:00 in the
 * building's time zone — or a date and time (`dd.mm.yyyy hh:mm`, ISO with an offset).
 * Returns the `takenAt` to store, or null when it is not a date between 1990 and 2100.
 */
function parseDate(text: string): string | null {
  const s = text.trim();
  let m = ISO_DAY.exec(s);
  if (m) return validDay(+m[1]!, +m[2]!, +m[3]!) ? s : null;
  m = DMY.exec(s);
  if (m) {
    const [, d, mo, y, hh, mm, ss] = m;
    if (!validDay(+y!, +mo!, +d!)) return null;
    const day = `${y}-${pad(mo!)}-${pad(d!)}`;
    if (hh === undefined) return day;
    if (+hh > 23 || +mm! > 59 || +(ss ?? 0) > 59) return null;
    return `${day}T${pad(hh)}:${mm}:${ss ?? '00'}`;
  }
  m = ISO_TIME.exec(s);
  if (m) {
    if (!validDay(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +(m[6] ?? 0) > 59) return null;
    return s.replace(' ', 'T');
  }
  return null;
}

// A file repeats a few dates a million times: each distinct text is parsed once.
const parsedDates = new Map<string, string | null>();

export function parseReadingDate(text: string): string | null {
  let date = parsedDates.get(text);
  if (date === undefined) {
    date = parseDate(text);
    if (parsedDates.size >= 10_000) parsedDates.clear();
    parsedDates.set(text, date);
  }
  return date;
}

/** A decimal with a point or a comma; refused when negative, not a number, or 10⁹ or more. */
const PLAIN_VALUE = /^[1-9]\d{0,8}(?:[.,]\d+)?$/;

export function parseReadingValue(text: string): { value?: string; error?: string } {
  // The usual case at once: digits without leading zeros, below 10⁹.
  if (PLAIN_VALUE.test(text)) return { value: text.replace(',', '.') };
  const s = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { error: `«${text.trim()}» — не число` };
  if (s.startsWith('-')) return { error: `отрицательное показание ${s}` };
  if (Number(s) >= MAX_VALUE) return { error: `показание ${s} слишком велико (не меньше 10⁹)` };
  return { value: s.replace(/^0+(?=\d)/, '') };
}

/**
 * Turns the rows of a readings file (already split into cells, header first) into a batch.
 * A bad row is a problem naming its line and column; the other rows are read.
 */
function cell(cells: string[], i: number | undefined): string {
  if (i === undefined) return '';
  const c = cells[i];
  return c === undefined ? '' : c.trim();
}

export function rowsToBatch(file: string, rows: Array<{ line: number; cells: string[] }>, map: Partial<Record<ReadingColumn, number>>): ReadBatch {
  const readings: RawReading[] = [];
  const problems: ReadProblem[] = [];
  const col = (c: ReadingColumn) => (map[c] ?? -1) + 1;
  const at = (line: number, cells: string[], c: ReadingColumn, code: string, message: string) => {
    const serial = cell(cells, map.serial);
    problems.push({ code, message: `${file}, строка ${line}, столбец ${col(c)} (${c}): ${message}`, file, line, column: col(c), ...(serial ? { meterSerial: serial } : {}) });
  };
  for (const { line, cells } of rows) {
    if (!cell(cells, map.serial) && cells.every((c) => !c.trim())) continue;
    const get = (c: ReadingColumn) => cell(cells, map[c]);
    const serial = get('serial');
    // A walk-by row the reader left empty (no date, no value) was simply not read.
    if (serial && !get('date') && !get('value')) continue;
    if (!serial || serial.length > 64 || /[\u0000-\u001f]/.test(serial)) {
      at(line, cells, 'serial', 'bad-serial', serial ? 'неверный серийный номер' : 'пустой серийный номер');
      continue;
    }
    const date = parseReadingDate(get('date'));
    if (!date) {
      at(line, cells, 'date', 'bad-date', `«${get('date')}» — не дата (дд.мм.гггг или гггг-мм-дд, годы 1990–2100)`);
      continue;
    }
    const value = parseReadingValue(get('value'));
    if (value.error) {
      at(line, cells, 'value', 'bad-value', value.error);
      continue;
    }
    const unit = get('unit');
    if (unit && !UNITS.has(unit)) {
      at(line, cells, 'unit', 'bad-unit', `неизвестная единица «${unit}» (ожидается одна из: ${[...UNITS].join(', ')})`);
      continue;
    }
    const errorCode = get('error_code');
    if (errorCode.length > 20) {
      at(line, cells, 'error_code', 'bad-error-code', 'код ошибки длиннее 20 символов');
      continue;
    }
    readings.push({
      meterSerial: serial,
      takenAt: date,
      values: { value: value.value! },
      ...(unit ? { unit } : {}),
      ...(errorCode ? { errorCode } : {}),
      sourceKey: `file:${serial}:${date}`,
      file,
      line,
    });
  }
  return { source: file, readings, problems };
}
