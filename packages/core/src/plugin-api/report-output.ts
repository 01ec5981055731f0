import { writeXlsx, type XlsxRow, type XlsxSheet, type XlsxStyle, type XlsxValue } from './xlsx-writer.js';
import type { ReportFormat, ReportOutput } from './report-generator.js';

/** «С 2017-12-06 по 2017-12-28 <building>.xlsx» (F20), safe for any file system. */
export function reportFileName(from: string, to: string, building: string, ext: string): string {
  return `С ${from} по ${to} ${building.replace(/[\\/:*?"<>|]+/g, '-').trim()}.${ext}`;
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export interface ReportColumn {
  key: string;
  header: string;
  width?: number;
  /** A decimal column: written to Excel as a number with this format (e.g. `0.000`). */
  numFmt?: string;
}

/** One sheet of a report (the first one is also the CSV). */
export interface ReportTable {
  name: string;
  /** Lines above the header (building, period, notes). */
  title?: string[];
  columns: ReportColumn[];
  rows: Array<Record<string, unknown>>;
  /** Rows after a blank line, in bold (totals). */
  totals?: Array<Record<string, unknown>>;
  /** Rows to show in red (e.g. a meter without readings). */
  highlight?: (row: Record<string, unknown>) => boolean;
}

const MEDIA: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A table as CSV for Excel: UTF-8 with BOM, `;`, CRLF, the header first, totals after the rows. */
export function tableToCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => c.header), ...[...table.rows, ...(table.totals ?? [])].map((r) => table.columns.map((c) => r[c.key]))];
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

const HEADER: XlsxStyle = { bold: true, fill: 'FFE8EEF4', borderBottom: true, wrap: true, verticalMiddle: true };
const BOLD: XlsxStyle = { bold: true };

/**
 * The tables as one workbook: a title block (its first line bold), a bold frozen header,
 * number formats (a decimal column's values written exactly as numbers), rows to highlight
 * in red, totals in bold after a blank row. Written with the plain-table writer
 * (xlsx-writer.ts), one style object per column and variant.
 */
export async function tablesToXlsx(tables: ReportTable[]): Promise<Buffer> {
  const sheets: XlsxSheet[] = tables.map((t) => {
    const plain: XlsxStyle[] = t.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
    const red = plain.map((st) => ({ ...st, color: 'FFC0392B' }));
    const bold = plain.map((st) => ({ ...st, bold: true }));
    const numeric = t.columns.map((c) => !!c.numFmt);
    const keys = t.columns.map((c) => c.key);
    const line = (r: Record<string, unknown>, styles: XlsxStyle[]): XlsxRow => ({ values: keys.map((k) => r[k] as XlsxValue), styles, numeric });
    const rows: Array<XlsxRow | null> = (t.title ?? []).map((text, i) => ({ values: [text], styles: i === 0 ? [BOLD] : undefined }));
    if (t.title?.length) rows.push(null);
    rows.push({ values: t.columns.map((c) => c.header), styles: t.columns.map(() => HEADER) });
    for (const r of t.rows) rows.push(line(r, t.highlight?.(r) ? red : plain));
    if (t.totals?.length) {
      rows.push(null);
      for (const r of t.totals) rows.push(line(r, bold));
    }
    return {
      name: t.name,
      widths: t.columns.map((c) => c.width ?? Math.max(10, Math.min(40, c.header.length + 2))),
      frozenRows: (t.title?.length ? t.title.length + 1 : 0) + 1,
      rows,
    };
  });
  return writeXlsx(sheets, { creator: 'OpenAMR' });
}

/**
 * A report's output in the asked format: the tables as a workbook (xlsx), the first table as
 * CSV, or the explanation as JSON; named «С <from> по <to> <building>.<ext>».
 */
export async function tabularOutput(
  format: ReportFormat,
  file: { from: string; to: string; building: string },
  tables: ReportTable[],
  explanation: unknown,
  warnings: string[],
): Promise<ReportOutput> {
  const fileName = reportFileName(file.from, file.to, file.building, format);
  const content =
    format === 'json' ? JSON.stringify(explanation, null, 2) : format === 'csv' ? tableToCsv(tables[0]!) : await tablesToXlsx(tables);
  return { fileName, mediaType: MEDIA[format], content, explanation, warnings };
}
