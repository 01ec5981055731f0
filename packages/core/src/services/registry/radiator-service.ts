import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../../tokens.js';
import { ConflictError } from '../../plugin-api/errors.js';
import type { Radiator } from '../../models/radiator.js';
import { AuditedStore } from '../audited-store.js';
import type { Actor } from '../actor.js';
import { likeEscape, parseSort } from '../list-sort.js';
import { RADIATOR } from './meter-service.js';

const SORTABLE = { model: 'model', manufacturer: 'manufacturer', type: 'type', height: 'height', width: 'width', coefficient: 'coefficient' };

/** The radiator catalogue (F13): models with their coefficients. */
@injectable()
export class RadiatorService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditedStore) private readonly store: AuditedStore,
  ) {}

  async list(q: { limit: number; offset: number; sort?: string; q?: string }) {
    const order = parseSort(q.sort, SORTABLE, [{ column: 'model', order: 'asc' }]);
    const base = RADIATOR.model.query(this.db).modify((b) => {
      if (q.q) {
        const like = `%${likeEscape(q.q)}%`;
        b.where((w) => w.whereILike('model', like).orWhereILike('manufacturer', like).orWhereILike('type', like));
      }
    });
    const total = await base.clone().resultSize();
    const items = await base.clone().orderBy(order).limit(q.limit).offset(q.offset);
    return { items, total };
  }

  get(id: string) {
    return this.store.find(RADIATOR, id);
  }

  private async assertModelFree(trx: Knex.Transaction, model: string, exceptId?: string) {
    const clash = await trx('radiators')
      .whereRaw('lower(model) = lower(?)', [model])
      .modify((b) => {
        if (exceptId) b.whereNot('id', exceptId);
      })
      .first('id');
    if (clash) throw new ConflictError({ ru: `Радиатор «${model}» уже есть в справочнике`, en: `Radiator "${model}" is already in the catalogue` }, { field: 'model' });
  }

  create(actor: Actor, values: Partial<Radiator>) {
    return this.store.create(actor, RADIATOR, values, (trx) => this.assertModelFree(trx, values.model!));
  }

  update(actor: Actor, id: string, patch: Partial<Radiator>) {
    return this.store.update(actor, RADIATOR, id, patch, async (_b, trx) => {
      if (patch.model) await this.assertModelFree(trx, patch.model, id);
    });
  }

  delete(actor: Actor, id: string) {
    return this.store.delete(actor, RADIATOR, id, async (r, trx) => {
      const used = await trx('meter_radiators').where({ radiator_id: id }).count<{ n: number }[]>({ n: '*' });
      if (Number(used[0]!.n) > 0) {
        throw new ConflictError({
          ru: `Радиатор «${r.model}» используется в истории приборов (${used[0]!.n}): удалить его нельзя`,
          en: `Radiator "${r.model}" is used in meter histories (${used[0]!.n}) and cannot be deleted`,
        });
      }
    });
  }
}
