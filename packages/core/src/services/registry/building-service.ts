import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../../tokens.js';
import { ConflictError } from '../../plugin-api/errors.js';
import { Building } from '../../models/building.js';
import { AuditedStore, type EntityInfo } from '../audited-store.js';
import type { Actor } from '../actor.js';
import { likeEscape, parseSort, pageOf } from '../list-sort.js';

export const BUILDING: EntityInfo<Building> = {
  model: Building,
  entity: 'building',
  notFound: { ru: 'Объект не найден', en: 'Building not found' },
};

export interface BuildingListItem {
  id: string;
  name: string;
  address: string;
  totalArea: string | null;
  notes: string | null;
  timeZone: string;
  premisesCount: number;
  metersCount: number;
  concentratorHosts: string[];
}

const SORTABLE = {
  name: 'b.name',
  address: 'b.address',
  totalArea: 'b.total_area',
  premisesCount: 'premises_count',
  metersCount: 'meters_count',
  createdAt: 'b.created_at',
};

/** Buildings (F01, F02): the overview list is one SQL statement with its aggregates. */
@injectable()
export class BuildingService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditedStore) private readonly store: AuditedStore,
  ) {}

  async list(q: { limit: number; offset: number; sort?: string; q?: string }): Promise<{ items: BuildingListItem[]; total: number }> {
    const db = this.db;
    const order = parseSort(q.sort, SORTABLE, [{ column: 'b.name', order: 'asc' }]);
    const filter = (b: Knex.QueryBuilder) => {
      if (q.q) {
        const like = `%${likeEscape(q.q)}%`;
        b.where((w) => w.whereILike('b.name', like).orWhereILike('b.address', like));
      }
    };
    return pageOf(
      db('buildings as b').modify(filter),
      q,
      (base) =>
        base
          .select(
            'b.id',
            'b.name',
            'b.address',
            'b.total_area',
            'b.notes',
            'b.time_zone',
            db.raw('(select count(*) from premises p where p.building_id = b.id)::int as premises_count'),
            db.raw(
              '(select count(*) from meters m join premises p on p.id = m.premise_id where p.building_id = b.id and m.decommissioned_on is null)::int as meters_count',
            ),
            db.raw(
              `coalesce((select array_agg(distinct c.host order by c.host) from concentrators c where c.building_id = b.id and c.host is not null), '{}') as concentrator_hosts`,
            ),
          )
          .modify((b) => {
            for (const o of order) b.orderByRaw(`${o.column} ${o.order} nulls last`);
            b.orderBy('b.id');
          }),
      (r) => ({
        id: r.id,
        name: r.name,
        address: r.address,
        totalArea: r.total_area,
        notes: r.notes,
        timeZone: r.time_zone,
        premisesCount: r.premises_count,
        metersCount: r.meters_count,
        concentratorHosts: r.concentrator_hosts,
      }),
    );
  }

  get(id: string): Promise<Building> {
    return this.store.find(BUILDING, id);
  }

  create(actor: Actor, values: Partial<Building>): Promise<Building> {
    return this.store.create(actor, BUILDING, values);
  }

  update(actor: Actor, id: string, patch: Partial<Building>): Promise<Building> {
    return this.store.update(actor, BUILDING, id, patch);
  }

  delete(actor: Actor, id: string): Promise<void> {
    return this.store.delete(actor, BUILDING, id, async (b, trx) => {
      const [{ n }] = await trx('premises').where({ building_id: id }).count<{ n: number }[]>({ n: '*' });
      if (Number(n) > 0) {
        throw new ConflictError({
          ru: `Нельзя удалить объект «${b.name}»: к нему привязано помещений: ${n}. Сначала отвяжите или удалите их.`,
          en: `Cannot delete building "${b.name}": ${n} premises are attached. Detach or delete them first.`,
        });
      }
      const [{ c }] = await trx('concentrators').where({ building_id: id }).count<{ c: number }[]>({ c: '*' });
      if (Number(c) > 0) {
        throw new ConflictError({
          ru: `Нельзя удалить объект «${b.name}»: у него есть концентраторы (${c}). Сначала удалите их.`,
          en: `Cannot delete building "${b.name}": it has ${c} concentrators. Delete them first.`,
        });
      }
    });
  }
}
