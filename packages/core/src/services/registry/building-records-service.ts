import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../../tokens.js';
import { ConflictError, NotFoundError } from '../../plugin-api/errors.js';
import { BuildingHeatReading } from '../../models/building-heat-reading.js';
import { Norm } from '../../models/norm.js';
import { AuditedStore, type EntityInfo } from '../audited-store.js';
import type { Actor } from '../actor.js';
import { BUILDING } from './building-service.js';

export const HEAT_READING: EntityInfo<BuildingHeatReading> = {
  model: BuildingHeatReading,
  entity: 'heat-reading',
  notFound: { ru: 'Показание ОДПУ не найдено', en: 'Building meter reading not found' },
};

export const NORM: EntityInfo<Norm> = {
  model: Norm,
  entity: 'norm',
  notFound: { ru: 'Норматив не найден', en: 'Norm not found' },
};

type Kind = 'heat-readings' | 'norms';

const SPEC = {
  'heat-readings': {
    info: HEAT_READING,
    order: [{ column: 'day', order: 'desc' as const }],
    duplicate: (v: Record<string, any>) => ({
      ru: `Показание ОДПУ за ${v.date ?? v.day} уже есть: исправьте его`,
      en: `A building meter reading of ${v.date ?? v.day} already exists: correct it instead`,
    }),
    key: (v: Record<string, any>) => ({ day: v.date ?? v.day }),
  },
  norms: {
    info: NORM,
    order: [
      { column: 'kind', order: 'asc' as const },
      { column: 'effective_from', order: 'desc' as const },
    ],
    duplicate: (v: Record<string, any>) => ({
      ru: `Норматив (${v.kind === 'residential' ? 'жилые' : 'нежилые'}) с ${v.effectiveFrom} уже есть: исправьте его`,
      en: `A ${v.kind} norm from ${v.effectiveFrom} already exists: correct it instead`,
    }),
    key: (v: Record<string, any>) => ({ kind: v.kind, effective_from: v.effectiveFrom }),
  },
};

/**
 * The dated records of a building: building meter (ODPU) readings (F07) and norms (F08).
 * Both are lists per building with one record per date (per kind for norms).
 */
@injectable()
export class BuildingRecordsService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditedStore) private readonly store: AuditedStore,
  ) {}

  async list(kind: Kind, buildingId: string, q: { limit: number; offset: number }) {
    await this.store.find(BUILDING, buildingId);
    const spec = SPEC[kind];
    const model = spec.info.model as EntityInfo<any>['model'];
    const base = model.query(this.db).where({ building_id: buildingId });
    const total = await base.clone().resultSize();
    const items = await base.clone().orderBy(spec.order).limit(q.limit).offset(q.offset);
    return { items, total };
  }

  private async assertUnique(trx: Knex.Transaction, kind: Kind, buildingId: string, values: Record<string, any>, exceptId?: string) {
    const spec = SPEC[kind];
    const clash = await trx(spec.info.model.tableName)
      .where({ building_id: buildingId, ...spec.key(values) })
      .modify((b) => {
        if (exceptId) b.whereNot('id', exceptId);
      })
      .first('id');
    if (clash) throw new ConflictError(spec.duplicate(values));
  }

  create(actor: Actor, kind: Kind, buildingId: string, values: Record<string, unknown>) {
    const spec = SPEC[kind];
    return this.store.create(actor, spec.info as EntityInfo<any>, { ...values, buildingId, ...(kind === 'heat-readings' ? { createdBy: actor.userId } : {}) }, async (trx) => {
      await this.store.find(BUILDING, buildingId, trx);
      await this.assertUnique(trx, kind, buildingId, values);
    });
  }

  update(actor: Actor, kind: Kind, buildingId: string, id: string, patch: Record<string, unknown>) {
    const spec = SPEC[kind];
    return this.store.update(actor, spec.info as EntityInfo<any>, id, patch, async (before, trx) => {
      if (before.buildingId !== buildingId) throw new NotFoundError(spec.info.notFound, { id });
      await this.assertUnique(trx, kind, buildingId, { ...before, ...patch }, id);
    });
  }

  delete(actor: Actor, kind: Kind, buildingId: string, id: string) {
    const spec = SPEC[kind];
    return this.store.delete(actor, spec.info as EntityInfo<any>, id, async (before) => {
      if (before.buildingId !== buildingId) throw new NotFoundError(spec.info.notFound, { id });
    });
  }
}
