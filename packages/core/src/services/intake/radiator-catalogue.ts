import type { Knex } from 'knex';
import { Decimal } from 'decimal.js';
import { InputError, type ErrorDetails } from '../../plugin-api/errors.js';
import type { AuditService } from '../audit-service.js';
import type { Actor } from '../actor.js';
import { readTable } from './table-file.js';

const COLUMNS: Record<string, readonly string[]> = {
  model: ['model', 'модель'],
  manufacturer: ['manufacturer', 'производитель'],
  type: ['type', 'тип'],
  height: ['height', 'высота'],
  width: ['width', 'ширина'],
  coefficient: ['coefficient', 'коэффициент', 'k'],
};

export interface CatalogueProblem extends ErrorDetails {
  line: number;
  column: number;
  message: string;
}

export interface CatalogueSummary {
  created: number;
  updated: number;
  unchanged: number;
  errors: CatalogueProblem[];
  committed: boolean;
}

interface RadiatorRow {
  model: string;
  manufacturer: string | null;
  type: string | null;
  height: number | null;
  width: number | null;
  coefficient: string;
}

/**
 * The radiator catalogue import (F13): CSV or xlsx with model, manufacturer, type, height,
 * width, coefficient; a model already in the catalogue is updated. One transaction: any bad
 * row refuses the file (nothing changed) and is listed with its line and column.
 */
export async function importRadiatorCatalogue(db: Knex, audit: AuditService, actor: Actor, file: string, content: Buffer, dryRun: boolean): Promise<CatalogueSummary> {
  const table = await readTable(file, content);
  const map: Record<string, number> = {};
  table.header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    for (const [col, names] of Object.entries(COLUMNS)) if (names.includes(name) && map[col] === undefined) map[col] = i;
  });
  for (const need of ['model', 'coefficient']) {
    if (map[need] === undefined) {
      throw new InputError(
        { ru: `${file}, строка 1: нет столбца ${need} (ожидается model;manufacturer;type;height;width;coefficient)`, en: `${file}, line 1: no column ${need} (expected model;manufacturer;type;height;width;coefficient)` },
        { file, line: 1, field: need },
      );
    }
  }
  const errors: CatalogueProblem[] = [];
  const rows: RadiatorRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    if (cells.every((c) => !c.trim())) continue;
    const get = (c: string) => (map[c] === undefined ? '' : (cells[map[c]!] ?? '').trim());
    const bad = (c: string, message: string) => errors.push({ file, line, column: (map[c] ?? 0) + 1, field: c, message: `${file}, строка ${line}, столбец ${(map[c] ?? 0) + 1} (${c}): ${message}` });
    const model = get('model');
    if (!model || model.length > 200) {
      bad('model', 'пустая или слишком длинная модель');
      continue;
    }
    if (seen.has(model.toLowerCase())) {
      bad('model', `модель «${model}» уже была в строке ${seen.get(model.toLowerCase())}`);
      continue;
    }
    const k = get('coefficient').replace(',', '.');
    if (!/^\d+(\.\d+)?$/.test(k) || new Decimal(k).lte(0) || new Decimal(k).gt(1000)) {
      bad('coefficient', `«${get('coefficient')}» — не положительный коэффициент`);
      continue;
    }
    const size = (c: string) => {
      const v = get(c);
      if (!v) return null;
      return /^\d{1,6}$/.test(v) ? Number(v) : NaN;
    };
    const height = size('height');
    const width = size('width');
    if (Number.isNaN(height)) {
      bad('height', `«${get('height')}» — не целое число мм`);
      continue;
    }
    if (Number.isNaN(width)) {
      bad('width', `«${get('width')}» — не целое число мм`);
      continue;
    }
    seen.set(model.toLowerCase(), line);
    rows.push({ model, manufacturer: get('manufacturer') || null, type: get('type') || null, height, width, coefficient: new Decimal(k).toString() });
  }
  const summary: CatalogueSummary = { created: 0, updated: 0, unchanged: 0, errors, committed: false };
  if (errors.length || dryRun) {
    const existing = await db('radiators').whereIn(db.raw('lower(model)') as never, rows.map((r) => r.model.toLowerCase())).select('model');
    summary.updated = existing.length;
    summary.created = rows.length - existing.length;
    return summary;
  }
  await db.transaction(async (trx) => {
    for (const r of rows) {
      const before = await trx('radiators').whereRaw('lower(model) = lower(?)', [r.model]).first();
      if (!before) {
        await trx('radiators').insert({ ...r });
        summary.created++;
      } else if (
        before.manufacturer !== r.manufacturer ||
        before.type !== r.type ||
        before.height !== r.height ||
        before.width !== r.width ||
        !new Decimal(before.coefficient).eq(r.coefficient)
      ) {
        await trx('radiators').where({ id: before.id }).update({ ...r, model: before.model, updated_at: trx.fn.now() });
        summary.updated++;
      } else summary.unchanged++;
    }
    await audit.record(trx, actor, { action: 'import', entity: 'radiator', after: { file, created: summary.created, updated: summary.updated, unchanged: summary.unchanged } });
  });
  summary.committed = true;
  return summary;
}
