import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import type { Registries } from '../../loader/registries.js';
import { meterViewQuery, toMeterView, type MeterView } from '../meter-view.js';
import { naturalNumberKey } from '../natural-order.js';

const HEADER = ['premise', 'serial', 'type', 'last_date', 'last_value', 'date', 'value', 'error_code'];
const HEADER_RU = ['Помещение', 'Серийный номер', 'Тип', 'Последнее показание (дата)', 'Последнее показание', 'Дата', 'Показание', 'Код ошибки'];

/**
 * «Сгенерировать файл для РМ» (F04): the walk-by task file for a building — its active
 * meters with premise, serial, type and last reading, and empty `date`/`value` columns the
 * hand-held reader fills. The file it brings back is a readings import as it is.
 */
export async function walkByFile(db: Knex, registries: Registries, buildingId: string, format: 'csv' | 'xlsx', staleDays: number): Promise<Buffer> {
  const rows = await meterViewQuery(db, staleDays)
    .where('p.building_id', buildingId)
    .whereNull('m.decommissioned_on')
    .orderByRaw(`${naturalNumberKey('p.number')}, m.serial`);
  const meters: MeterView[] = rows.map((r: Record<string, any>) => toMeterView(r, registries, 'ru'));
  const data: string[][] = meters.map((m) => [m.premiseNumber ?? '', m.serial, m.deviceTypeLabel, m.lastReading?.date ?? '', m.lastReading?.value ?? '', '', '', ''] as string[]);
  if (format === 'csv') {
    const cell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return Buffer.from('\uFEFF' + [HEADER, ...data].map((r) => r.map((v) => cell(String(v))).join(';')).join('\r\n') + '\r\n', 'utf8');
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Обход');
  ws.columns = [{ width: 12 }, { width: 18 }, { width: 28 }, { width: 16 }, { width: 16 }, { width: 14 }, { width: 14 }, { width: 12 }];
  ws.addRow(HEADER).font = { bold: true };
  for (const r of data) ws.addRow(r);
  ws.getRow(1).eachCell((c, i) => {
    c.note = HEADER_RU[i - 1]!;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
