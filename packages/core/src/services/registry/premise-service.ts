import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../../tokens.js';
import { ConflictError, NotFoundError } from '../../plugin-api/errors.js';
import { Premise } from '../../models/premise.js';
import { AuditedStore, type EntityInfo } from '../audited-store.js';
import type { Actor } from '../actor.js';
import { likeEscape, parseSort, countOf } from '../list-sort.js';
import { LAST_READING_LATERAL, stateSql, type MeterState } from '../meter-view.js';
import { SettingsService } from '../settings-service.js';
import { BUILDING } from './building-service.js';
import { naturalNumberKey } from '../natural-order.js';
import { PREMISE_COLUMNS, toPremiseRow } from '../report-data-source.js';
import type { PremiseRow } from '../../plugin-api/report-generator.js';

export const PREMISE: EntityInfo<Premise> = {
  model: Premise,
  entity: 'premise',
  notFound: { ru: 'Помещение не найдено', en: 'Premise not found' },
};

/** A premise row of the premises tab: the premise, its meters with their states, and the count of active ones. */
export interface PremiseListItem extends PremiseRow {
  meters: Array<{ id: string; serial: string; deviceTypeId: string; state: MeterState }>;
  metersCount: number;
}

const NATURAL_NUMBER = naturalNumberKey('p.number');

const SORTABLE = {
  number: NATURAL_NUMBER,
  floor: 'p.floor',
  entrance: 'p.entrance',
  area: 'p.area',
  accountNumber: 'p.account_number',
  acceptanceDate: 'p.acceptance_date',
  kind: 'p.kind',
  metersCount: 'meters_count',
};

export interface PremiseListQuery {
  limit: number;
  offset: number;
  sort?: string;
  q?: string;
  buildingId?: string;
  free?: boolean;
}

/** Premises (F05, F09): created free, attached to and detached from buildings. */
@injectable()
export class PremiseService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditedStore) private readonly store: AuditedStore,
    @inject(SettingsService) private readonly settings: SettingsService,
  ) {}

  /**
   * The premises tab (F05) or the free premises: one statement with each premise's meters,
   * their states and the count of active ones.
   */
  async list(q: PremiseListQuery): Promise<{ items: PremiseListItem[]; total: number }> {
    const db = this.db;
    const staleDays = await this.settings.staleDays();
    const order = parseSort(q.sort, SORTABLE, [{ column: NATURAL_NUMBER, order: 'asc' }]);
    const filter = (b: Knex.QueryBuilder) => {
      if (q.buildingId) b.where('p.building_id', q.buildingId);
      if (q.free) b.whereNull('p.building_id');
      if (q.q) {
        const text = q.q.trim();
        const like = `%${likeEscape(text)}%`;
        b.where((w) =>
          w
            .whereILike('p.number', like)
            .orWhereILike('p.account_number', like)
            .orWhereRaw('p.floor::text = ?', [text])
            .orWhereRaw('p.entrance::text = ?', [text])
            .orWhereRaw('p.area::text like ?', [`${likeEscape(text.replace(',', '.'))}%`])
            .orWhereRaw("to_char(p.acceptance_date, 'DD.MM.YYYY') like ?", [like])
            .orWhereRaw("(case p.kind when 'residential' then 'жилое residential' else 'нежилое non-residential' end) ilike ?", [like])
            .orWhereExists(db('meters as sm').whereRaw('sm.premise_id = p.id').whereILike('sm.serial', `${likeEscape(text)}%`)),
        );
      }
    };
    const total = await countOf(db('premises as p').modify(filter));
    const rows = await db('premises as p')
      .modify(filter)
      .joinRaw(
        `left join lateral (
          select json_agg(json_build_object('id', m.id, 'serial', m.serial, 'deviceTypeId', m.device_type_id, 'state', ?)
                          order by m.decommissioned_on nulls first, m.serial) as meters,
                 (count(*) filter (where m.decommissioned_on is null))::int as n
          from meters m ${LAST_READING_LATERAL}
          where m.premise_id = p.id) mm on true`,
        [stateSql(db, staleDays)],
      )
      .select(
        ...PREMISE_COLUMNS.map((c) => `p.${c}`),
        db.raw(`coalesce(mm.meters, '[]'::json) as meters`),
        db.raw('coalesce(mm.n, 0) as meters_count'),
      )
      .modify((b) => {
        for (const o of order) b.orderByRaw(`${o.column} ${o.order} nulls last`);
        b.orderBy(['p.number', 'p.id']);
      })
      .limit(q.limit)
      .offset(q.offset);
    return {
      total,
      items: rows.map((r: Record<string, any>) => ({
        ...toPremiseRow(r),
        meters: r.meters,
        metersCount: r.meters_count,
      })),
    };
  }

  get(id: string): Promise<Premise> {
    return this.store.find(PREMISE, id);
  }

  create(actor: Actor, values: Partial<Premise>): Promise<Premise> {
    return this.store.create(actor, PREMISE, values, async (trx) => {
      if (values.buildingId) {
        await this.store.find(BUILDING, values.buildingId, trx);
        await this.assertNumberFree(trx, values.buildingId, values.number!);
      }
    });
  }

  update(actor: Actor, id: string, patch: Partial<Premise>): Promise<Premise> {
    return this.store.update(actor, PREMISE, id, patch, async (before, trx) => {
      if (patch.number && patch.number !== before.number && before.buildingId) await this.assertNumberFree(trx, before.buildingId, patch.number, id);
    });
  }

  delete(actor: Actor, id: string): Promise<void> {
    return this.store.delete(actor, PREMISE, id, async (p, trx) => {
      const [{ n }] = await trx('meters').where({ premise_id: id }).count<{ n: number }[]>({ n: '*' });
      if (Number(n) > 0) {
        throw new ConflictError({
          ru: `Нельзя удалить помещение ${p.number}: к нему привязано приборов учета: ${n}. Сначала отвяжите их.`,
          en: `Cannot delete premise ${p.number}: ${n} meters are attached. Detach them first.`,
        });
      }
    });
  }

  /** Attaches a free premise to a building (F09), or detaches it with `buildingId: null`. */
  setBuilding(actor: Actor, id: string, buildingId: string | null): Promise<Premise> {
    return this.store.update(
      actor,
      PREMISE,
      id,
      { buildingId },
      async (p, trx) => {
        if (buildingId === null) {
          if (p.buildingId === null) {
            throw new ConflictError({ ru: `Помещение ${p.number} ни к какому объекту не привязано`, en: `Premise ${p.number} is not attached to any building` });
          }
          return;
        }
        if (p.buildingId === buildingId) {
          throw new ConflictError({ ru: `Помещение ${p.number} уже привязано к этому объекту`, en: `Premise ${p.number} is already attached to this building` });
        }
        if (p.buildingId !== null) {
          throw new ConflictError({
            ru: `Помещение ${p.number} привязано к другому объекту. Сначала отвяжите его.`,
            en: `Premise ${p.number} is attached to another building. Detach it first.`,
          });
        }
        await this.store.find(BUILDING, buildingId, trx);
        await this.assertNumberFree(trx, buildingId, p.number, id);
      },
      buildingId === null ? 'detach' : 'attach',
    );
  }

  private async assertNumberFree(trx: Knex.Transaction, buildingId: string, number: string, exceptId?: string): Promise<void> {
    const clash = await trx('premises')
      .where({ building_id: buildingId, number })
      .modify((b) => {
        if (exceptId) b.whereNot('id', exceptId);
      })
      .first('id');
    if (clash) {
      throw new ConflictError(
        { ru: `В этом объекте уже есть помещение с номером ${number}`, en: `This building already has a premise numbered ${number}` },
        { field: 'number' },
      );
    }
  }

  async assertExists(id: string): Promise<void> {
    if (!(await this.db('premises').where({ id }).first('id'))) throw new NotFoundError(PREMISE.notFound, { id });
  }
}
