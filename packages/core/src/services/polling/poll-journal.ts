import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB } from '../../tokens.js';
import { NotFoundError } from '../../plugin-api/errors.js';
import { pageOf } from '../list-sort.js';

export interface PollRunView {
  id: string;
  concentratorId: string;
  trigger: 'schedule' | 'manual';
  nodeId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'running' | 'ok' | 'partial' | 'connection-error' | 'protocol-error' | 'config-error' | 'timeout';
  readingsStored: number;
  duplicates: number;
  problemCount: number;
  problems: unknown[];
  error: string | null;
  attempts: number;
}

export interface ConcentratorStats {
  concentratorId: string;
  lastRun: PollRunView | null;
  /** Share of finished runs that reached the concentrator (ok or partial); null without runs. */
  successRate7d: number | null;
  successRate30d: number | null;
  runs7d: number;
  runs30d: number;
  /** Readings stored per finished run over 30 days. */
  readingsPerRun30d: number | null;
}

function toView(r: any): PollRunView {
  return {
    id: r.id,
    concentratorId: r.concentrator_id,
    trigger: r.trigger,
    nodeId: r.node_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    readingsStored: r.readings_stored,
    duplicates: r.duplicates,
    problemCount: r.problem_count,
    problems: r.problems ?? [],
    error: r.error,
    attempts: r.attempts,
  };
}

/** The poll journal and its statistics (F26). */
@injectable()
export class PollJournal {
  constructor(@inject(DB) private readonly db: Knex) {}

  list(q: { concentratorId?: string; buildingId?: string; outcome?: string; limit: number; offset: number }): Promise<{ items: PollRunView[]; total: number }> {
    const base = this.db('poll_runs as r').modify((b) => {
      if (q.concentratorId) b.where('r.concentrator_id', q.concentratorId);
      if (q.buildingId) b.whereIn('r.concentrator_id', this.db('concentrators').where({ building_id: q.buildingId }).select('id'));
      if (q.outcome) b.where('r.outcome', q.outcome);
    });
    return pageOf(base, q, (b) => b.select('r.*').orderBy([{ column: 'r.started_at', order: 'desc' }, { column: 'r.id', order: 'desc' }]), toView);
  }

  async get(id: string): Promise<PollRunView> {
    const r = await this.db('poll_runs').where({ id }).first();
    if (!r) throw new NotFoundError({ ru: 'Опрос не найден', en: 'Poll run not found' }, { id });
    return toView(r);
  }

  async stats(concentratorId: string): Promise<ConcentratorStats> {
    const exists = await this.db('concentrators').where({ id: concentratorId }).first('id');
    if (!exists) throw new NotFoundError({ ru: 'Концентратор не найден', en: 'Concentrator not found' }, { id: concentratorId });
    const last = await this.db('poll_runs').where({ concentrator_id: concentratorId }).orderBy('started_at', 'desc').first();
    const agg = await this.db('poll_runs')
      .where({ concentrator_id: concentratorId })
      .whereNot({ outcome: 'running' })
      .andWhere('started_at', '>=', this.db.raw(`now() - interval '30 days'`))
      .first(
        this.db.raw(`count(*) filter (where started_at >= now() - interval '7 days')::int as runs7`),
        this.db.raw(`count(*) filter (where started_at >= now() - interval '7 days' and outcome in ('ok', 'partial'))::int as ok7`),
        this.db.raw('count(*)::int as runs30'),
        this.db.raw(`count(*) filter (where outcome in ('ok', 'partial'))::int as ok30`),
        this.db.raw('coalesce(sum(readings_stored), 0)::int as stored30'),
      );
    const rate = (ok: number, n: number) => (n ? Math.round((ok / n) * 1000) / 1000 : null);
    return {
      concentratorId,
      lastRun: last ? toView(last) : null,
      successRate7d: rate(agg.ok7, agg.runs7),
      successRate30d: rate(agg.ok30, agg.runs30),
      runs7d: agg.runs7,
      runs30d: agg.runs30,
      readingsPerRun30d: agg.runs30 ? Math.round((agg.stored30 / agg.runs30) * 10) / 10 : null,
    };
  }

  /** The building's active meters without a reading for more than `days` days (or never), the longest silent first. */
  async silentMeters(buildingId: string, days: number, q: { limit: number; offset: number }) {
    const b = await this.db('buildings').where({ id: buildingId }).first('id', 'time_zone');
    if (!b) throw new NotFoundError({ ru: 'Объект не найден', en: 'Building not found' }, { id: buildingId });
    const base = this.db('meters as m')
      .join('premises as p', 'p.id', 'm.premise_id')
      // The last day per meter from the (meter_id, day) index, not an aggregate over all readings.
      .joinRaw('left join lateral (select max(r.day) as last_day from readings r where r.meter_id = m.id) l on true')
      .where('p.building_id', buildingId)
      .whereNull('m.decommissioned_on')
      .andWhere((w) =>
        w.whereNull('l.last_day').orWhere('l.last_day', '<', this.db.raw(`(now() at time zone ?)::date - ?::int`, [b.time_zone ?? 'Europe/Moscow', days])),
      );
    return pageOf(
      base,
      q,
      (x) =>
        x
          .select('m.id', 'm.serial', 'm.device_type_id', 'p.id as premise_id', 'p.number as premise_number', 'l.last_day',
            this.db.raw(`((now() at time zone ?)::date - l.last_day)::int as silent_days`, [b.time_zone ?? 'Europe/Moscow']))
          .orderByRaw('l.last_day asc nulls first, m.serial'),
      (r) => ({
        meterId: r.id,
        serial: r.serial,
        deviceTypeId: r.device_type_id,
        premiseId: r.premise_id,
        premiseNumber: r.premise_number,
        lastReadingDay: r.last_day,
        silentDays: r.silent_days,
      }),
    );
  }
}
