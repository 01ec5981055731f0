import ExcelJS from 'exceljs';
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

function cellValue(column: ReportColumn, v: unknown): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (column.numFmt && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** The tables as one workbook: a title block, a bold frozen header, number formats, totals in bold. */
export async function tablesToXlsx(tables: ReportTable[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OpenAMR';
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name.slice(0, 31));
    for (const line of t.title ?? []) ws.addRow([line]).font = { bold: ws.rowCount === 1 };
    if (t.title?.length) ws.addRow([]);
    const header = ws.addRow(t.columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    ws.views = [{ state: 'frozen', ySplit: header.number }];
    t.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width ?? Math.max(10, Math.min(40, c.header.length + 2));
      if (c.numFmt) col.numFmt = c.numFmt;
    });
    for (const r of t.rows) {
      const row = ws.addRow(t.columns.map((c) => cellValue(c, r[c.key])));
      if (t.highlight?.(r)) row.font = { color: { argb: 'FFC0392B' } };
    }
    if (t.totals?.length) {
      ws.addRow([]);
      for (const r of t.totals) ws.addRow(t.columns.map((c) => cellValue(c, r[c.key]))).font = { bold: true };
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
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
