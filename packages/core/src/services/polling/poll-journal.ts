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

  /**
   * What needs attention across the buildings (B2): meters silent for more than `days` days
   * counted per building and per the concentrator their last polled reading came through
   * (37 of 40 silent behind one concentrator points at it, not at 37 meters); enabled
   * concentrators whose last run failed, with how many runs in a row failed and when the
   * last good one was; and, before the billing day (day of month), how many meters would
   * have no reading of that day if nothing changes (silent for more than `days` days).
   */
  async attention(opts: { days: number; billingDay: number; buildingId?: string }) {
    const silent = await this.db.raw(
      `with m as (
         select m.id, p.building_id,
                (select max(r.day) from readings r where r.meter_id = m.id) as last_day,
                (select pr.concentrator_id from readings r join poll_runs pr on pr.id = r.poll_run_id
                  where r.meter_id = m.id and r.poll_run_id is not null order by r.day desc, r.taken_at desc limit 1) as concentrator_id
         from meters m join premises p on p.id = m.premise_id
         where m.decommissioned_on is null ${opts.buildingId ? 'and p.building_id = ?' : ''}
       ), s as (
         select m.*, (m.last_day is null or m.last_day < (now() at time zone coalesce(b.time_zone, 'Europe/Moscow'))::date - ?::int) as is_silent
         from m join buildings b on b.id = m.building_id
       )
       select s.building_id, b.name as building_name, s.concentrator_id, c.name as concentrator_name, c.type as concentrator_type,
              count(*)::int as meters, count(*) filter (where s.is_silent)::int as silent, min(s.last_day) filter (where s.is_silent) as silent_since
       from s join buildings b on b.id = s.building_id left join concentrators c on c.id = s.concentrator_id
       group by s.building_id, b.name, s.concentrator_id, c.name, c.type`,
      opts.buildingId ? [opts.buildingId, opts.days] : [opts.days],
    );
    type Group = { building_id: string; building_name: string; concentrator_id: string | null; concentrator_name: string | null; concentrator_type: string | null; meters: number; silent: number; silent_since: string | null };
    const byBuilding = new Map<string, { buildingId: string; buildingName: string; meters: number; silent: number; concentrators: Array<{ concentratorId: string | null; name: string | null; meters: number; silent: number; silentSince: string | null }> }>();
    for (const g of silent.rows as Group[]) {
      const b = byBuilding.get(g.building_id) ?? { buildingId: g.building_id, buildingName: g.building_name, meters: 0, silent: 0, concentrators: [] };
      byBuilding.set(g.building_id, b);
      b.meters += g.meters;
      b.silent += g.silent;
      if (g.silent) b.concentrators.push({ concentratorId: g.concentrator_id, name: g.concentrator_name ?? g.concentrator_type, meters: g.meters, silent: g.silent, silentSince: g.silent_since });
    }
    const silentBuildings = [...byBuilding.values()]
      .filter((b) => b.silent > 0)
      .map((b) => ({ ...b, concentrators: b.concentrators.sort((x, y) => y.silent - x.silent) }))
      .sort((x, y) => y.silent - x.silent || (x.buildingName < y.buildingName ? -1 : 1));

    const failing = await this.db.raw(
      `select c.id, c.name, c.type, c.building_id, b.name as building_name, last.outcome, last.started_at, last.error,
              (select max(r.started_at) from poll_runs r where r.concentrator_id = c.id and r.outcome in ('ok', 'partial')) as last_ok_at,
              (select count(*)::int from poll_runs r where r.concentrator_id = c.id and r.outcome not in ('running', 'ok', 'partial')
                 and r.started_at > coalesce((select max(r2.started_at) from poll_runs r2 where r2.concentrator_id = c.id and r2.outcome in ('ok', 'partial')), '-infinity')) as failed_in_row
       from concentrators c join buildings b on b.id = c.building_id
       cross join lateral (select r.outcome, r.started_at, r.error from poll_runs r where r.concentrator_id = c.id and r.outcome <> 'running' order by r.started_at desc limit 1) last
       where c.enabled and last.outcome not in ('ok', 'partial') ${opts.buildingId ? 'and c.building_id = ?' : ''}
       order by failed_in_row desc, last.started_at desc`,
      opts.buildingId ? [opts.buildingId] : [],
    );

    // The next billing day (the day of month, or the month's last day when it is shorter), in UTC dates.
    const today = new Date();
    const dayIn = (y: number, m: number) => new Date(Date.UTC(y, m, Math.min(opts.billingDay, new Date(Date.UTC(y, m + 1, 0)).getUTCDate())));
    let next = dayIn(today.getUTCFullYear(), today.getUTCMonth());
    if (next.getTime() < Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) next = dayIn(today.getUTCFullYear(), today.getUTCMonth() + 1);
    const daysLeft = Math.round((next.getTime() - Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) / 86_400_000);
    return {
      days: opts.days,
      silentBuildings,
      failingConcentrators: (failing.rows as Array<Record<string, any>>).map((r) => ({
        concentratorId: r.id,
        name: r.name ?? r.type,
        buildingId: r.building_id,
        buildingName: r.building_name,
        lastOutcome: r.outcome,
        lastRunAt: r.started_at,
        lastError: r.error ?? null,
        lastOkAt: r.last_ok_at ?? null,
        failedInRow: r.failed_in_row,
      })),
      billing: {
        day: opts.billingDay,
        next: next.toISOString().slice(0, 10),
        daysLeft,
        metersAtRisk: silentBuildings.reduce((n, b) => n + b.silent, 0),
      },
    };
  }
}
