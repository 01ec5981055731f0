import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { DB, REGISTRIES } from '../../tokens.js';
import { InputError, NotFoundError, type LocalizedText } from '../../plugin-api/errors.js';
import type { Registries } from '../../loader/registries.js';
import { AuditService } from '../audit-service.js';
import type { Actor } from '../actor.js';
import { METER } from '../registry/meter-service.js';
import { ensureReadingPartitions } from './reading-partitions.js';

export interface ReadingItem {
  id: string;
  date: string;
  takenAt: Date;
  value: string | null;
  unit: string | null;
  errorCode: string | null;
  source: string;
  createdBy: string | null;
  pollRunId: string | null;
  importId: string | null;
  /** The frame the reading was decoded from (hex for binary telegrams), for re-decoding; null when none was kept. */
  raw: string | null;
}

export interface ManualReading {
  date: string;
  value: string;
  unit?: string | null;
  errorCode?: string | null;
}

interface MeterFacts {
  id: string;
  serial: string;
  deviceTypeId: string;
  installedOn: string | null;
  decommissionedOn: string | null;
  timeZone: string;
}

const DEFAULT_TIME_ZONE = 'Europe/Moscow';

function toItem(r: Record<string, any>): ReadingItem {
  return {
    id: r.id,
    date: r.day,
    takenAt: r.taken_at,
    value: r.value,
    unit: r.unit,
    errorCode: r.error_code,
    source: r.source,
    createdBy: r.created_by_email ?? null,
    pollRunId: r.poll_run_id,
    importId: r.import_id,
    raw: r.raw ?? null,
  };
}

/**
 * Why a reading of `day` with `value` cannot be stored for the meter, or null when it can:
 * outside the meter's installation window, or lower than the reading before it.
 */
export async function placementProblem(
  db: Knex | Knex.Transaction,
  meter: MeterFacts,
  day: string,
  value: string | null,
  exceptId?: string,
): Promise<{ code: string; text: LocalizedText } | null> {
  if (meter.decommissionedOn && day > meter.decommissionedOn) {
    return {
      code: 'after-decommission',
      text: {
        ru: `Прибор ${meter.serial} выведен из эксплуатации ${meter.decommissionedOn}: показание за ${day} не принимается`,
        en: `Meter ${meter.serial} was decommissioned on ${meter.decommissionedOn}: a reading of ${day} is refused`,
      },
    };
  }
  if (meter.installedOn && day < meter.installedOn) {
    return {
      code: 'before-install',
      text: {
        ru: `Прибор ${meter.serial} установлен ${meter.installedOn}: показание за ${day} не принимается`,
        en: `Meter ${meter.serial} was installed on ${meter.installedOn}: a reading of ${day} is refused`,
      },
    };
  }
  if (value === null) return null;
  const others = () =>
    db('readings')
      .where('meter_id', meter.id)
      .whereNotNull('value')
      .modify((b) => {
        if (exceptId) b.whereNot('id', exceptId);
      });
  const prev = await others().where('day', '<', day).orderBy('day', 'desc').first('day', 'value');
  if (prev && new Decimal(value).lt(prev.value)) {
    return {
      code: 'value-decreased',
      text: {
        ru: `Показание ${value} за ${day} меньше предыдущего (${prev.value} за ${prev.day})`,
        en: `Reading ${value} of ${day} is lower than the previous one (${prev.value} of ${prev.day})`,
      },
    };
  }
  const next = await others().where('day', '>', day).orderBy('day', 'asc').first('day', 'value');
  if (next && new Decimal(value).gt(next.value)) {
    return {
      code: 'value-decreased',
      text: {
        ru: `Показание ${value} за ${day} больше следующего (${next.value} за ${next.day})`,
        en: `Reading ${value} of ${day} is higher than the next one (${next.value} of ${next.day})`,
      },
    };
  }
  return null;
}

/** The readings of a meter (F12, F18): list, manual entry, correction, deletion — all audited. */
@injectable()
export class ReadingsService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(REGISTRIES) private readonly registries: Registries,
  ) {}

  async meterFacts(db: Knex | Knex.Transaction, meterId: string): Promise<MeterFacts> {
    const m = await db('meters as m')
      .leftJoin('premises as p', 'p.id', 'm.premise_id')
      .leftJoin('buildings as b', 'b.id', 'p.building_id')
      .where('m.id', meterId)
      .first('m.id', 'm.serial', 'm.device_type_id', 'm.installed_on', 'm.decommissioned_on', 'b.time_zone');
    if (!m) throw new NotFoundError(METER.notFound, { id: meterId });
    return {
      id: m.id,
      serial: m.serial,
      deviceTypeId: m.device_type_id,
      installedOn: m.installed_on,
      decommissionedOn: m.decommissioned_on,
      timeZone: m.time_zone ?? DEFAULT_TIME_ZONE,
    };
  }

  /**
   * One page of a meter's readings, newest first, in one statement (the total rides along as
   * a window count); only an empty page costs a second look to tell 404 from "no readings".
   */
  async list(meterId: string, q: { limit: number; offset: number; from?: string; to?: string }): Promise<{ items: ReadingItem[]; total: number }> {
    const rows = await this.db('readings as r')
      .where('r.meter_id', meterId)
      .modify((b) => {
        if (q.from) b.where('r.day', '>=', q.from);
        if (q.to) b.where('r.day', '<=', q.to);
      })
      .leftJoin('users as u', 'u.id', 'r.created_by')
      .select('r.id', 'r.day', 'r.taken_at', 'r.value', 'r.unit', 'r.error_code', 'r.source', 'r.poll_run_id', 'r.import_id', 'r.raw', 'u.email as created_by_email')
      .select(this.db.raw('count(*) over () as total'))
      .orderBy([
        { column: 'r.day', order: 'desc' },
        { column: 'r.taken_at', order: 'desc' },
      ])
      .limit(q.limit)
      .offset(q.offset);
    if (rows.length) return { total: Number(rows[0].total), items: rows.map(toItem) };
    await this.meterFacts(this.db, meterId);
    const [{ total }] = await this.db('readings')
      .where('meter_id', meterId)
      .modify((b) => {
        if (q.from) b.where('day', '>=', q.from);
        if (q.to) b.where('day', '<=', q.to);
      })
      .count<{ total: number }[]>({ total: '*' });
    return { total, items: [] };
  }

  private defaultUnit(deviceTypeId: string): string | null {
    const type = this.registries.deviceTypes.get(deviceTypeId);
    return type?.quantities.find((q) => q.key === type.primaryQuantity)?.unit ?? null;
  }

  /**
   * Stores a reading entered by hand for a day (F18): at 00:00 of that day in the
   * building's time zone, source `manual`. Refused, naming why, outside the meter's
   * installation window or out of order with its neighbours.
   */
  async addManual(actor: Actor, meterId: string, input: ManualReading, trx?: Knex.Transaction): Promise<ReadingItem> {
    await ensureReadingPartitions(this.db, [input.date]);
    const run = async (t: Knex.Transaction) => {
      const meter = await this.meterFacts(t, meterId);
      const problem = await placementProblem(t, meter, input.date, input.value);
      if (problem) throw new InputError(problem.text, { field: problem.code === 'value-decreased' ? 'value' : 'date', code: problem.code });
      const [row] = await t('readings')
        .insert({
          meter_id: meterId,
          taken_at: t.raw('(?::date)::timestamp at time zone ?', [input.date, meter.timeZone]),
          day: input.date,
          value: input.value,
          unit: input.unit ?? this.defaultUnit(meter.deviceTypeId),
          error_code: input.errorCode || null,
          source: 'manual',
          source_key: `manual:${randomUUID()}`,
          created_by: actor.userId,
        })
        .returning(['id', 'day', 'taken_at', 'value', 'unit', 'error_code', 'source', 'poll_run_id', 'import_id', 'raw']);
      const item = { ...toItem(row), createdBy: actor.email };
      await this.audit.record(t, actor, { action: 'create', entity: 'reading', entityId: item.id, after: { ...item, meterId, serial: meter.serial } });
      return item;
    };
    return trx ? run(trx) : this.db.transaction(run);
  }

  private async findReading(t: Knex.Transaction, meterId: string, readingId: string) {
    const row = await t('readings').where({ id: readingId, meter_id: meterId }).first();
    if (!row) throw new NotFoundError({ ru: 'Показание не найдено', en: 'Reading not found' }, { id: readingId });
    return row;
  }

  /** Corrects a reading's value, unit or error code; its day stays (delete and re-enter to move it). */
  async update(actor: Actor, meterId: string, readingId: string, patch: { value?: string; unit?: string | null; errorCode?: string | null }): Promise<ReadingItem> {
    return this.db.transaction(async (t) => {
      const before = await this.findReading(t, meterId, readingId);
      if (patch.value !== undefined) {
        const meter = await this.meterFacts(t, meterId);
        const problem = await placementProblem(t, meter, before.day, patch.value, readingId);
        if (problem) throw new InputError(problem.text, { field: 'value', code: problem.code });
      }
      const changes: Record<string, unknown> = {};
      if (patch.value !== undefined) changes.value = patch.value;
      if (patch.unit !== undefined) changes.unit = patch.unit;
      if (patch.errorCode !== undefined) changes.error_code = patch.errorCode || null;
      const [row] = await t('readings')
        .where({ id: readingId, day: before.day })
        .update(changes)
        .returning(['id', 'day', 'taken_at', 'value', 'unit', 'error_code', 'source', 'poll_run_id', 'import_id', 'raw']);
      const item = toItem(row);
      await this.audit.record(t, actor, { action: 'update', entity: 'reading', entityId: readingId, before: toItem(before), after: item });
      return item;
    });
  }

  async delete(actor: Actor, meterId: string, readingId: string): Promise<void> {
    await this.db.transaction(async (t) => {
      const before = await this.findReading(t, meterId, readingId);
      await t('readings').where({ id: readingId, day: before.day }).delete();
      await this.audit.record(t, actor, { action: 'delete', entity: 'reading', entityId: readingId, before: { ...toItem(before), meterId } });
    });
  }
}
