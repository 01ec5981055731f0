import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
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

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF4' } };
const RED: Partial<ExcelJS.Font> = { color: { argb: 'FFC0392B' } };
const BOLD: Partial<ExcelJS.Font> = { bold: true };

/**
 * The tables as one workbook: a title block, a bold frozen header, number formats, totals in
 * bold. Written with exceljs's streaming writer: rows are committed as they come (an order
 * of magnitude faster than the in-memory workbook for thousands of rows).
 */
export async function tablesToXlsx(tables: ReportTable[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } } as never);
  wb.creator = 'OpenAMR';
  for (const t of tables) {
    const titleRows = (t.title?.length ?? 0) + (t.title?.length ? 1 : 0);
    const ws = wb.addWorksheet(t.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: titleRows + 1 }] });
    ws.columns = t.columns.map((c) => ({ key: c.key, width: c.width ?? Math.max(10, Math.min(40, c.header.length + 2)) }));
    // One style object per column and variant, shared by every cell: exceljs resolves a style
    // it has seen by identity, which keeps a thousand-row sheet fast.
    const plain = t.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {})) as Array<Partial<ExcelJS.Style>>;
    const red = plain.map((st) => ({ ...st, font: RED }));
    const bold = plain.map((st) => ({ ...st, font: BOLD }));
    const styled = (row: ExcelJS.Row, styles: Array<Partial<ExcelJS.Style>>) => {
      for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i]!;
      row.commit();
    };
    (t.title ?? []).forEach((line, i) => {
      const row = ws.addRow([line]);
      if (i === 0) row.font = BOLD;
      row.commit();
    });
    if (t.title?.length) ws.addRow([]).commit();
    const header = ws.addRow(t.columns.map((c) => c.header));
    header.font = BOLD;
    header.alignment = { vertical: 'middle', wrapText: true };
    header.eachCell((cell) => {
      cell.fill = HEADER_FILL;
      cell.border = { bottom: { style: 'thin' } };
    });
    header.commit();
    for (const r of t.rows) styled(ws.addRow(t.columns.map((c) => cellValue(c, r[c.key]))), t.highlight?.(r) ? red : plain);
    if (t.totals?.length) {
      ws.addRow([]).commit();
      for (const r of t.totals) styled(ws.addRow(t.columns.map((c) => cellValue(c, r[c.key]))), bold);
    }
    ws.commit();
  }
  await wb.commit();
  return Buffer.concat(chunks);
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
