import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { Decimal } from 'decimal.js';
import { InputError } from '../../plugin-api/errors.js';
import type { ReadProblem } from '../../plugin-api/reader-driver.js';
import type { Registries } from '../../loader/registries.js';
import { loadWorkbook, sheetTable, type Table } from './table-file.js';
import { parseReadingDate } from './readings-file.js';
import { tableToBatch } from './readings-csv.js';
import { storeReadings } from '../readings/store-readings.js';

/** The sheets of a legacy export and their columns (template: GET /api/imports/templates/legacy.xlsx). */
export const LEGACY_SHEETS = {
  Buildings: ['name', 'address', 'total_area', 'time_zone', 'notes'],
  Premises: ['building', 'number', 'floor', 'entrance', 'area', 'account_number', 'acceptance_date', 'kind'],
  Meters: ['building', 'premise', 'serial', 'device_type', 'installed_on', 'decommissioned_on', 'water_medium', 'radiator_model', 'radiator_coefficient'],
  Readings: ['serial', 'date', 'value', 'unit', 'error_code'],
} as const;

type SheetName = keyof typeof LEGACY_SHEETS;

export interface Tally {
  create: number;
  update: number;
  unchanged: number;
}

/** What the import does to one row of the workbook (the dry run's diff). */
export interface LegacyRow {
  sheet: 'Buildings' | 'Premises' | 'Meters';
  line: number;
  /** The row's key: a building's name, «building / premise», a meter's serial. */
  key: string;
  action: 'create' | 'update' | 'unchanged';
  /** For an update: each changed field, stored value → the workbook's. */
  changes?: Record<string, { from: unknown; to: unknown }>;
}

/** At most this many rows are listed in `rows` (the tallies count them all). */
export const LEGACY_ROWS_LISTED = 20_000;

export interface LegacySummary {
  /** Per row: create, update (with the changed fields) or unchanged; errors are in `errors`. */
  rows: LegacyRow[];
  buildings: Tally;
  premises: Tally;
  meters: Tally;
  radiators: Tally;
  readings: { new: number; existing: number };
  errors: ReadProblem[];
}

const tally = (): Tally => ({ create: 0, update: 0, unchanged: 0 });
const blank = (v: string) => (v.trim() === '' ? null : v.trim());

function columns(file: string, sheet: SheetName, table: Table): (row: string[], col: string) => string {
  const index = new Map(table.header.map((h, i) => [h.trim().toLowerCase(), i]));
  for (const need of LEGACY_SHEETS[sheet].slice(0, sheet === 'Meters' ? 4 : sheet === 'Premises' ? 2 : 1)) {
    if (!index.has(need)) {
      throw new InputError(
        { ru: `${file}, лист ${sheet}, строка 1: нет столбца ${need}`, en: `${file}, sheet ${sheet}, line 1: no column ${need}` },
        { file, line: 1, field: `${sheet}.${need}` },
      );
    }
  }
  return (row, col) => (index.has(col) ? (row[index.get(col)!] ?? '').trim() : '');
}

function sameValue(s: unknown, v: unknown): boolean {
  if (v === null || v === undefined) return s === null || s === undefined;
  if (s === null || s === undefined) return false;
  if (/^-?\d+(\.\d+)?$/.test(String(v)) && /^-?\d+(\.\d+)?$/.test(String(s))) return new Decimal(String(s)).eq(String(v));
  return String(s) === String(v);
}

/** The fields whose incoming value differs from the stored one (decimals by value, the rest as text), or null. */
function changesOf(stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> | null {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, v] of Object.entries(incoming)) if (!sameValue(stored[k], v)) out[k] = { from: stored[k] ?? null, to: v ?? null };
  return Object.keys(out).length ? out : null;
}

/**
 * «Загрузка старой базы» (F25): a workbook with the sheets Buildings, Premises, Meters and
 * Readings is merged into the registry inside the caller's transaction — a building by name,
 * a premise by building and number, a meter by serial (and installation date), readings
 * through the readings store. Each row is a create, an update or unchanged, so running the
 * same file twice changes nothing the second time. Errors name sheet, line and column.
 */
export async function applyLegacyWorkbook(trx: Knex.Transaction, registries: Registries, file: string, content: Buffer, createdBy: string | null): Promise<LegacySummary> {
  const wb: ExcelJS.Workbook = await loadWorkbook(file, content);
  const summary: LegacySummary = { rows: [], buildings: tally(), premises: tally(), meters: tally(), radiators: tally(), readings: { new: 0, existing: 0 }, errors: [] };
  const sheet = (name: SheetName) => {
    const ws = wb.getWorksheet(name);
    return ws ? sheetTable(ws) : null;
  };
  /** Counts a row's action and lists it. */
  const note = (sheet: LegacyRow['sheet'], line: number, key: string, action: LegacyRow['action'], changes?: Record<string, { from: unknown; to: unknown }> | null) => {
    summary[sheet === 'Buildings' ? 'buildings' : sheet === 'Premises' ? 'premises' : 'meters'][action]++;
    if (summary.rows.length < LEGACY_ROWS_LISTED) summary.rows.push({ sheet, line, key, action, ...(changes ? { changes } : {}) });
  };
  const err = (s: SheetName, line: number, col: string, message: string) => {
    const column = (LEGACY_SHEETS[s] as readonly string[]).indexOf(col) + 1;
    summary.errors.push({ code: 'legacy-row', file, line, column, message: `${file}, лист ${s}, строка ${line}, ${col}: ${message}` });
  };
  if (!['Buildings', 'Premises', 'Meters', 'Readings'].some((n) => wb.getWorksheet(n))) {
    throw new InputError({ ru: `${file}: нет листов Buildings, Premises, Meters, Readings`, en: `${file}: no sheets Buildings, Premises, Meters, Readings` }, { file });
  }

  const buildingIds = new Map<string, string>();
  for (const b of await trx('buildings').select('id', 'name')) buildingIds.set(b.name, b.id);
  const buildings = sheet('Buildings');
  if (buildings) {
    const get = columns(file, 'Buildings', buildings);
    for (const { line, cells } of buildings.rows) {
      const name = get(cells, 'name');
      if (!name) continue;
      const address = get(cells, 'address');
      if (!address) {
        err('Buildings', line, 'address', 'нет адреса');
        continue;
      }
      const area = blank(get(cells, 'total_area').replace(',', '.'));
      if (area !== null && !/^\d+(\.\d+)?$/.test(area)) {
        err('Buildings', line, 'total_area', `«${area}» — не площадь`);
        continue;
      }
      const values = { address, total_area: area, notes: blank(get(cells, 'notes')), time_zone: blank(get(cells, 'time_zone')) ?? 'Europe/Moscow' };
      const existing = buildingIds.has(name) ? await trx('buildings').where({ id: buildingIds.get(name) }).first() : undefined;
      const changes = existing ? changesOf(existing, values) : null;
      if (!existing) {
        const [row] = await trx('buildings').insert({ name, ...values }).returning('id');
        buildingIds.set(name, row.id);
        note('Buildings', line, name, 'create');
      } else if (changes) {
        await trx('buildings').where({ id: existing.id }).update({ ...values, updated_at: trx.fn.now() });
        note('Buildings', line, name, 'update', changes);
      } else note('Buildings', line, name, 'unchanged');
    }
  }

  const premiseIds = new Map<string, string>();
  const premiseKey = (building: string, number: string) => `${building}\u0000${number}`;
  const premises = sheet('Premises');
  if (premises) {
    const get = columns(file, 'Premises', premises);
    for (const { line, cells } of premises.rows) {
      const building = get(cells, 'building');
      const number = get(cells, 'number');
      if (!building && !number) continue;
      const buildingId = buildingIds.get(building);
      if (!buildingId) {
        err('Premises', line, 'building', `объект «${building}» не найден`);
        continue;
      }
      const area = get(cells, 'area').replace(',', '.');
      if (!/^\d+(\.\d+)?$/.test(area) || Number(area) <= 0) {
        err('Premises', line, 'area', `«${area}» — не площадь`);
        continue;
      }
      const kindText = get(cells, 'kind').toLowerCase();
      const kind = ['', 'residential', 'жилое'].includes(kindText) ? 'residential' : ['non-residential', 'нежилое'].includes(kindText) ? 'non-residential' : null;
      if (!kind) {
        err('Premises', line, 'kind', `«${get(cells, 'kind')}» — ожидается residential/non-residential (жилое/нежилое)`);
        continue;
      }
      const int = (c: string) => (get(cells, c) === '' ? null : /^-?\d+$/.test(get(cells, c)) ? Number(get(cells, c)) : NaN);
      const floor = int('floor');
      const entrance = int('entrance');
      if (Number.isNaN(floor) || Number.isNaN(entrance)) {
        err('Premises', line, Number.isNaN(floor) ? 'floor' : 'entrance', 'не целое число');
        continue;
      }
      const acceptance = blank(get(cells, 'acceptance_date'));
      const acceptanceDay = acceptance ? parseReadingDate(acceptance) : null;
      if (acceptance && (!acceptanceDay || acceptanceDay.length !== 10)) {
        err('Premises', line, 'acceptance_date', `«${acceptance}» — не дата`);
        continue;
      }
      const values = { area, kind, floor, entrance, account_number: blank(get(cells, 'account_number')), acceptance_date: acceptanceDay };
      const existing = await trx('premises').where({ building_id: buildingId, number }).first();
      const key = `${building} / ${number}`;
      if (!existing) {
        const [row] = await trx('premises').insert({ building_id: buildingId, number, ...values }).returning('id');
        premiseIds.set(premiseKey(building, number), row.id);
        note('Premises', line, key, 'create');
      } else {
        premiseIds.set(premiseKey(building, number), existing.id);
        const changes = changesOf(existing, values);
        if (changes) {
          await trx('premises').where({ id: existing.id }).update({ ...values, updated_at: trx.fn.now() });
          note('Premises', line, key, 'update', changes);
        } else note('Premises', line, key, 'unchanged');
      }
    }
  }

  const meters = sheet('Meters');
  if (meters) {
    const get = columns(file, 'Meters', meters);
    for (const { line, cells } of meters.rows) {
      const serial = get(cells, 'serial');
      if (!serial) continue;
      const building = get(cells, 'building');
      const number = get(cells, 'premise');
      let premiseId = premiseIds.get(premiseKey(building, number)) ?? null;
      if (!premiseId && building && number && buildingIds.has(building)) {
        premiseId = (await trx('premises').where({ building_id: buildingIds.get(building), number }).first('id'))?.id ?? null;
      }
      if (!premiseId && (building || number)) {
        err('Meters', line, 'premise', `помещение «${number}» объекта «${building}» не найдено`);
        continue;
      }
      const deviceTypeId = get(cells, 'device_type');
      const type = registries.deviceTypes.get(deviceTypeId);
      if (!type) {
        err('Meters', line, 'device_type', `неизвестный тип прибора «${deviceTypeId}»`);
        continue;
      }
      const day = (c: string) => {
        const v = blank(get(cells, c));
        if (!v) return null;
        const d = parseReadingDate(v);
        return d && d.length === 10 ? d : undefined;
      };
      const installed = day('installed_on');
      const decommissioned = day('decommissioned_on');
      if (installed === undefined || decommissioned === undefined) {
        err('Meters', line, installed === undefined ? 'installed_on' : 'decommissioned_on', 'не дата');
        continue;
      }
      const medium = blank(get(cells, 'water_medium').toLowerCase());
      const waterMedium = medium === null ? null : ['hot', 'гвс'].includes(medium) ? 'hot' : ['cold', 'хвс'].includes(medium) ? 'cold' : undefined;
      if (waterMedium === undefined || (waterMedium && type.kind !== 'water-meter')) {
        err('Meters', line, 'water_medium', 'ожидается hot/cold (ГВС/ХВС) и только для счетчиков воды');
        continue;
      }
      const values = { premise_id: premiseId, device_type_id: type.id, installed_on: installed, decommissioned_on: decommissioned, water_medium: waterMedium };
      const existing = await trx('meters')
        .where({ serial })
        .modify((b) => (installed ? b.where((w) => w.where('installed_on', installed).orWhereNull('installed_on')) : b))
        .orderByRaw('decommissioned_on nulls first')
        .first();
      let meterId: string;
      if (!existing) {
        const clash = decommissioned ? undefined : await trx('meters').where({ serial }).whereNull('decommissioned_on').first('id');
        if (clash) {
          err('Meters', line, 'serial', `действующий прибор ${serial} уже есть`);
          continue;
        }
        const [row] = await trx('meters').insert({ serial, ...values }).returning('id');
        meterId = row.id;
        note('Meters', line, serial, 'create');
      } else {
        meterId = existing.id;
        const changes = changesOf(existing, values);
        if (changes) {
          await trx('meters').where({ id: existing.id }).update({ ...values, updated_at: trx.fn.now() });
          note('Meters', line, serial, 'update', changes);
        } else note('Meters', line, serial, 'unchanged');
      }
      const model = blank(get(cells, 'radiator_model'));
      if (model) {
        const k = get(cells, 'radiator_coefficient').replace(',', '.');
        let radiator = await trx('radiators').whereRaw('lower(model) = lower(?)', [model]).first();
        if (!radiator) {
          if (!/^\d+(\.\d+)?$/.test(k) || Number(k) <= 0) {
            err('Meters', line, 'radiator_coefficient', `нет коэффициента для нового радиатора «${model}»`);
            continue;
          }
          [radiator] = await trx('radiators').insert({ model, coefficient: k }).returning('*');
          summary.radiators.create++;
        }
        const current = await trx('meter_radiators').where({ meter_id: meterId }).whereNull('valid_to').first();
        if (!current) await trx('meter_radiators').insert({ meter_id: meterId, radiator_id: radiator.id, valid_from: installed });
        else if (current.radiator_id !== radiator.id) await trx('meter_radiators').where({ id: current.id }).update({ radiator_id: radiator.id });
      }
    }
  }

  const readings = sheet('Readings');
  if (readings) {
    const batch = tableToBatch(`${file}/Readings`, readings);
    for (const r of batch.readings) r.sourceKey = `legacy:${r.meterSerial}:${r.takenAt}`;
    const stored = await storeReadings(trx, registries, [batch], { source: 'legacy', createdBy });
    summary.readings = { new: stored.stored, existing: stored.duplicates };
    summary.errors.push(...stored.problems);
  }
  return summary;
}

/** The legacy workbook template with one example row per sheet. */
export async function legacyTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const examples: Record<SheetName, string[]> = {
    Buildings: ['ул. Примерная, 1', 'г. Москва, ул. Примерная, д. 1', '460', 'Europe/Moscow', ''],
    Premises: ['ул. Примерная, 1', 'Кв.1', '1', '1', '80', 'ЛС-0001', '01.09.2015', 'residential'],
    Meters: ['ул. Примерная, 1', 'Кв.1', 'A1-1', 'core.heat-cost-allocator', '01.09.2023', '', '', 'МС-140 7 секц.', '1.2'],
    Readings: ['A1-1', '01.01.2024', '1520', 'units', ''],
  };
  for (const [name, cols] of Object.entries(LEGACY_SHEETS) as Array<[SheetName, readonly string[]]>) {
    const ws = wb.addWorksheet(name);
    ws.addRow([...cols]).font = { bold: true };
    ws.addRow(examples[name]);
    ws.columns.forEach((c) => (c.width = 18));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The days the Readings sheet may touch (partitions must exist before the transaction). */
export async function legacyReadingDays(file: string, content: Buffer): Promise<string[]> {
  const wb = await loadWorkbook(file, content);
  const ws = wb.getWorksheet('Readings');
  if (!ws) return [];
  const days = new Set<string>();
  for (const { cells } of sheetTable(ws).rows) {
    for (const c of cells) {
      const d = parseReadingDate(c);
      if (!d) continue;
      const t = Date.parse(`${d.slice(0, 10)}T00:00:00Z`);
      for (const shift of [-86_400_000, 0, 86_400_000]) days.add(new Date(t + shift).toISOString().slice(0, 10));
    }
  }
  return [...days];
}
