import ExcelJS from 'exceljs';

const HEADER = ['serial', 'date', 'value', 'unit', 'error_code'];
const EXAMPLE = [
  ['A1-1', '01.02.2024', '1710', 'units', ''],
  ['W-123456', '2024-02-01', '123,456', 'm3', ''],
  ['A4-3', '01.02.2024', '1450', '', 'E2'],
];

/** The readings file template (docs/formats.md) as CSV: UTF-8 with BOM, `;`-separated. */
export function readingsCsvTemplate(): Buffer {
  return Buffer.from('\uFEFF' + [HEADER, ...EXAMPLE].map((r) => r.join(';')).join('\r\n') + '\r\n', 'utf8');
}

/** The same template as an .xlsx sheet. */
export async function readingsXlsxTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Показания');
  ws.columns = [{ width: 16 }, { width: 14 }, { width: 14 }, { width: 8 }, { width: 12 }];
  ws.addRow(HEADER).font = { bold: true };
  for (const [serial, date, value, unit, code] of EXAMPLE) ws.addRow([serial, date, value, unit, code]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
