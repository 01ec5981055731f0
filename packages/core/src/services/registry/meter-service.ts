import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB, REGISTRIES } from '../../tokens.js';
import { ConflictError, InputError, NotFoundError, textIn } from '../../plugin-api/errors.js';
import type { Registries } from '../../loader/registries.js';
import { Meter } from '../../models/meter.js';
import { MeterRadiator } from '../../models/meter-radiator.js';
import { Radiator } from '../../models/radiator.js';
import { AuditedStore, type EntityInfo } from '../audited-store.js';
import type { Actor } from '../actor.js';
import { likeEscape, parseSort, countOf } from '../list-sort.js';
import { meterViewQuery, toMeterView, type MeterView } from '../meter-view.js';
import { SettingsService } from '../settings-service.js';
import { PREMISE } from './premise-service.js';

/** One quantity's latest value (F29). */
export interface CurrentValue {
  key: string;
  quantity: string;
  label: string;
  value: string;
  unit: string;
  takenAt: Date;
  date: string;
}

export const METER: EntityInfo<Meter> = {
  model: Meter,
  entity: 'meter',
  notFound: { ru: 'Прибор учета не найден', en: 'Meter not found' },
};

export const RADIATOR: EntityInfo<Radiator> = {
  model: Radiator,
  entity: 'radiator',
  notFound: { ru: 'Радиатор не найден в справочнике', en: 'Radiator not found in the catalogue' },
};

export interface MeterInput {
  serial: string;
  deviceTypeId: string;
  premiseId?: string | null;
  installedOn?: string | null;
  decommissionedOn?: string | null;
  radiatorId?: string | null;
  waterMedium?: 'hot' | 'cold' | null;
  address?: string | null;
  notes?: string | null;
}

export interface MeterListQuery {
  limit: number;
  offset: number;
  sort?: string;
  q?: string;
  free?: boolean;
  premiseId?: string;
  buildingId?: string;
}

const SORTABLE = { serial: 'm.serial', installedOn: 'm.installed_on', decommissionedOn: 'm.decommissioned_on', deviceTypeId: 'm.device_type_id', state: 'state' };

export interface ReplaceInput {
  /** The day of the old meter's final reading = the new meter's installation day. */
  date: string;
  finalValue?: string;
  newMeter: { serial: string; deviceTypeId?: string; radiatorId?: string | null; initialValue?: string; address?: string | null };
}

/** Meters (F10–F12, F19): free meters, attach/detach, radiator history, replacement, search. */
@injectable()
export class MeterService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(AuditedStore) private readonly store: AuditedStore,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(REGISTRIES) private readonly registries: Registries,
  ) {}

  async list(q: MeterListQuery, lang: 'ru' | 'en'): Promise<{ items: MeterView[]; total: number }> {
    const staleDays = await this.settings.staleDays();
    const order = parseSort(q.sort, SORTABLE, [{ column: 'm.serial', order: 'asc' }]);
    const filter = (b: Knex.QueryBuilder) => {
      if (q.free) b.whereNull('m.premise_id');
      if (q.premiseId) b.where('m.premise_id', q.premiseId);
      if (q.buildingId) b.whereIn('m.premise_id', this.db('premises').select('id').where('building_id', q.buildingId));
      if (q.q) b.whereILike('m.serial', `${likeEscape(q.q.trim())}%`);
    };
    const total = await countOf(this.db('meters as m').modify(filter));
    const rows = await meterViewQuery(this.db, staleDays, { withErrorDate: Boolean(q.premiseId) })
      .modify(filter)
      .modify((b) => {
        for (const o of order) b.orderByRaw(`${o.column} ${o.order} nulls last`);
        b.orderBy('m.id');
      })
      .limit(q.limit)
      .offset(q.offset);
    return { total, items: rows.map((r: Record<string, any>) => toMeterView(r, this.registries, lang)) };
  }

  async view(id: string, lang: 'ru' | 'en'): Promise<MeterView & { currentValues: CurrentValue[] }> {
    const staleDays = await this.settings.staleDays();
    const row = await meterViewQuery(this.db, staleDays, { withErrorDate: true }).where('m.id', id).first();
    if (!row) throw new NotFoundError(METER.notFound, { id });
    return { ...toMeterView(row, this.registries, lang), currentValues: await this.currentValues(id, row.device_type_id, lang) };
  }

  /**
   * F29: the latest value of every quantity of the meter's device type (energy, volume, flow,
   * power, temperatures…), each from the newest reading that has it (among the last 50).
   */
  async currentValues(id: string, deviceTypeId: string, lang: 'ru' | 'en'): Promise<CurrentValue[]> {
    const type = this.registries.deviceTypes.get(deviceTypeId);
    if (!type) return [];
    const recent = await this.db('readings').where({ meter_id: id }).orderBy([{ column: 'day', order: 'desc' }, { column: 'taken_at', order: 'desc' }]).limit(50).select('day', 'taken_at', 'value', 'unit', 'values');
    const out: CurrentValue[] = [];
    for (const q of type.quantities) {
      for (const r of recent) {
        const v = q.key === type.primaryQuantity ? r.value : r.values?.[q.key];
        if (v === null || v === undefined || v === '') continue;
        out.push({
          key: q.key,
          quantity: q.quantity,
          label: q.label ? textIn(q.label, lang) : q.key,
          value: String(v),
          unit: q.key === type.primaryQuantity ? (r.unit ?? q.unit) : q.unit,
          takenAt: r.taken_at,
          date: r.day,
        });
        break;
      }
    }
    return out;
  }

  /** F03: the meters whose serial is or starts with `serial`, decommissioned ones included. */
  async search(serial: string, lang: 'ru' | 'en', limit = 50): Promise<MeterView[]> {
    const staleDays = await this.settings.staleDays();
    const rows = await meterViewQuery(this.db, staleDays)
      .where('m.serial', 'like', `${likeEscape(serial.trim())}%`)
      .orderByRaw('(m.serial = ?) desc, m.serial, m.decommissioned_on desc nulls first', [serial.trim()])
      .limit(limit);
    return rows.map((r: Record<string, any>) => toMeterView(r, this.registries, lang));
  }

  private checkType(deviceTypeId: string, waterMedium: unknown, radiatorId: unknown) {
    const type = this.registries.deviceTypes.get(deviceTypeId);
    if (!type) {
      throw new InputError(
        {
          ru: `Неизвестный тип прибора «${deviceTypeId}». Доступные типы: GET /api/device-types.`,
          en: `Unknown device type "${deviceTypeId}". Available types: GET /api/device-types.`,
        },
        { field: 'deviceTypeId' },
      );
    }
    if (waterMedium && type.kind !== 'water-meter') {
      throw new InputError({ ru: 'ГВС/ХВС указывается только для счетчиков воды', en: 'Hot/cold applies to water meters only' }, { field: 'waterMedium' });
    }
    if (radiatorId && type.kind !== 'heat-cost-allocator') {
      throw new InputError({ ru: 'Радиатор указывается только для распределителей', en: 'A radiator applies to heat cost allocators only' }, { field: 'radiatorId' });
    }
    return type;
  }

  private async assertSerialFree(trx: Knex.Transaction, serial: string, exceptId?: string): Promise<void> {
    const clash = await trx('meters as m')
      .leftJoin('premises as p', 'p.id', 'm.premise_id')
      .where('m.serial', serial)
      .whereNull('m.decommissioned_on')
      .modify((b) => {
        if (exceptId) b.whereNot('m.id', exceptId);
      })
      .first('m.id', 'p.number');
    if (clash) {
      const where = clash.number ? { ru: ` (помещение ${clash.number})`, en: ` (premise ${clash.number})` } : { ru: '', en: '' };
      throw new ConflictError(
        {
          ru: `Действующий прибор с серийным номером ${serial} уже есть${where.ru}. Выведите его из эксплуатации или исправьте номер.`,
          en: `An active meter with serial ${serial} already exists${where.en}. Decommission it or correct the serial.`,
        },
        { field: 'serial' },
      );
    }
  }

  private assertDates(installedOn: string | null | undefined, decommissionedOn: string | null | undefined) {
    if (installedOn && decommissionedOn && decommissionedOn < installedOn) {
      throw new InputError(
        { ru: 'Дата вывода из эксплуатации раньше даты установки', en: 'The decommission date is before the installation date' },
        { field: 'decommissionedOn' },
      );
    }
  }

  /** Readings outside [installedOn, decommissionedOn] would lose their meaning: refuse the dates. */
  private async assertReadingsInside(trx: Knex.Transaction, meterId: string, installedOn: string | null, decommissionedOn: string | null) {
    if (decommissionedOn) {
      const after = await trx('readings').where('meter_id', meterId).where('day', '>', decommissionedOn).first('day');
      if (after) {
        throw new ConflictError(
          {
            ru: `У прибора есть показания после ${decommissionedOn} (например, за ${after.day}). Дата вывода не может быть раньше последнего показания.`,
            en: `The meter has readings after ${decommissionedOn} (e.g. of ${after.day}). The decommission date cannot precede its last reading.`,
          },
          { field: 'decommissionedOn' },
        );
      }
    }
    if (installedOn) {
      const before = await trx('readings').where('meter_id', meterId).where('day', '<', installedOn).first('day');
      if (before) {
        throw new ConflictError(
          {
            ru: `У прибора есть показания до ${installedOn} (например, за ${before.day}). Дата установки не может быть позже первого показания.`,
            en: `The meter has readings before ${installedOn} (e.g. of ${before.day}). The installation date cannot follow its first reading.`,
          },
          { field: 'installedOn' },
        );
      }
    }
  }

  async create(actor: Actor, input: MeterInput, lang: 'ru' | 'en'): Promise<MeterView> {
    this.checkType(input.deviceTypeId, input.waterMedium, input.radiatorId);
    this.assertDates(input.installedOn, input.decommissionedOn);
    const { radiatorId, ...values } = input;
    const meter = await this.store.create(
      actor,
      METER,
      values,
      async (trx) => {
        if (!input.decommissionedOn) await this.assertSerialFree(trx, input.serial);
        if (input.premiseId) await this.store.find(PREMISE, input.premiseId, trx);
        if (radiatorId) await this.store.find(RADIATOR, radiatorId, trx);
      },
      async (row, trx) => {
        if (!radiatorId) return;
        await trx('meter_radiators').insert({ meter_id: row.id, radiator_id: radiatorId, valid_from: input.installedOn ?? null });
        return { radiatorId };
      },
    );
    return this.view(meter.id, lang);
  }

  async update(actor: Actor, id: string, patch: Partial<MeterInput>, lang: 'ru' | 'en'): Promise<MeterView> {
    const { radiatorId, ...values } = patch;
    await this.store.update(actor, METER, id, values, async (before, trx) => {
      const type = this.checkType(patch.deviceTypeId ?? before.deviceTypeId, patch.waterMedium ?? (patch.deviceTypeId ? null : undefined), radiatorId);
      if (type.kind !== 'water-meter' && before.waterMedium && patch.waterMedium === undefined) values.waterMedium = null;
      const installedOn = patch.installedOn !== undefined ? patch.installedOn : before.installedOn;
      const decommissionedOn = patch.decommissionedOn !== undefined ? patch.decommissionedOn : before.decommissionedOn;
      this.assertDates(installedOn, decommissionedOn);
      await this.assertReadingsInside(trx, id, installedOn, decommissionedOn);
      if (!decommissionedOn) await this.assertSerialFree(trx, patch.serial ?? before.serial, id);
      if (radiatorId !== undefined) {
        // Corrects the radiator of the current period; a real change goes through changeRadiator.
        if (radiatorId) await this.store.find(RADIATOR, radiatorId, trx);
        const current = await trx('meter_radiators').where({ meter_id: id }).whereNull('valid_to').first('id');
        if (current && radiatorId) await trx('meter_radiators').where({ id: current.id }).update({ radiator_id: radiatorId });
        else if (current) await trx('meter_radiators').where({ id: current.id }).delete();
        else if (radiatorId) await trx('meter_radiators').insert({ meter_id: id, radiator_id: radiatorId, valid_from: installedOn ?? null });
      }
    });
    return this.view(id, lang);
  }

  delete(actor: Actor, id: string): Promise<void> {
    return this.store.delete(actor, METER, id, async (m, trx) => {
      const has = await trx('readings').where({ meter_id: id }).first('day');
      if (has) {
        throw new ConflictError({
          ru: `У прибора ${m.serial} есть показания: удалить его нельзя. Выведите его из эксплуатации (дата вывода).`,
          en: `Meter ${m.serial} has readings and cannot be deleted. Decommission it instead (decommission date).`,
        });
      }
    });
  }

  /** Attaches a free meter to a premise (F11), or detaches it with `premiseId: null`. */
  async setPremise(actor: Actor, id: string, premiseId: string | null, lang: 'ru' | 'en'): Promise<MeterView> {
    await this.store.update(
      actor,
      METER,
      id,
      { premiseId },
      async (m, trx) => {
        if (premiseId === null) {
          if (m.premiseId === null) throw new ConflictError({ ru: `Прибор ${m.serial} ни к какому помещению не привязан`, en: `Meter ${m.serial} is not attached to any premise` });
          return;
        }
        if (m.premiseId === premiseId) throw new ConflictError({ ru: `Прибор ${m.serial} уже привязан к этому помещению`, en: `Meter ${m.serial} is already attached to this premise` });
        if (m.premiseId !== null) {
          throw new ConflictError({
            ru: `Прибор ${m.serial} привязан к другому помещению. Сначала отвяжите его.`,
            en: `Meter ${m.serial} is attached to another premise. Detach it first.`,
          });
        }
        await this.store.find(PREMISE, premiseId, trx);
      },
      premiseId === null ? 'detach' : 'attach',
    );
    return this.view(id, lang);
  }

  async radiators(id: string): Promise<Array<{ id: string; radiatorId: string; model: string; coefficient: string; from: string | null; to: string | null }>> {
    await this.store.find(METER, id);
    const rows = await this.db('meter_radiators as mr')
      .join('radiators as r', 'r.id', 'mr.radiator_id')
      .where('mr.meter_id', id)
      .select('mr.id', 'mr.radiator_id', 'r.model', 'r.coefficient', 'mr.valid_from', 'mr.valid_to')
      .orderByRaw('mr.valid_from nulls first');
    return rows.map((r: Record<string, any>) => ({ id: r.id, radiatorId: r.radiator_id, model: r.model, coefficient: r.coefficient, from: r.valid_from, to: r.valid_to }));
  }

  /** A radiator change on the same meter (F19): the old radiator stays in force for the days before `from`. */
  async changeRadiator(actor: Actor, id: string, radiatorId: string, from: string) {
    await this.db.transaction(async (trx) => {
      const meter = await this.store.find(METER, id, trx);
      this.checkType(meter.deviceTypeId, null, radiatorId);
      await this.store.find(RADIATOR, radiatorId, trx);
      const current = await MeterRadiator.query(trx).where({ meter_id: id }).whereNull('valid_to').first();
      if (current?.validFrom && from <= current.validFrom) {
        throw new InputError(
          { ru: `Дата замены должна быть позже ${current.validFrom} (начала действия текущего радиатора)`, en: `The change date must be after ${current.validFrom}, when the current radiator took effect` },
          { field: 'from' },
        );
      }
      if (current) await MeterRadiator.query(trx).patch({ validTo: from }).where({ id: current.id });
      const added = await MeterRadiator.query(trx).insert({ meterId: id, radiatorId, validFrom: from }).returning('*');
      await this.store.audit.record(trx, actor, {
        action: 'update',
        entity: 'meter',
        entityId: id,
        before: { radiatorId: current?.radiatorId ?? null },
        after: { radiatorId, from, history: added.toJSON() },
      });
    });
    return this.radiators(id);
  }

  /**
   * Replacement as the manual describes it (F19): the old meter gets the decommission date
   * (with its final reading when given), a new meter in the same premise gets the same day
   * as its installation date (with its initial reading) and a radiator. One transaction.
   */
  async replace(actor: Actor, id: string, input: ReplaceInput, lang: 'ru' | 'en', storeReading: (trx: Knex.Transaction, meterId: string, date: string, value: string) => Promise<void>): Promise<{ old: MeterView; new: MeterView }> {
    const newId = await this.db.transaction(async (trx) => {
      const old = await this.store.find(METER, id, trx);
      if (old.decommissionedOn) {
        throw new ConflictError({ ru: `Прибор ${old.serial} уже выведен из эксплуатации (${old.decommissionedOn})`, en: `Meter ${old.serial} is already decommissioned (${old.decommissionedOn})` });
      }
      if (old.installedOn && input.date < old.installedOn) {
        throw new InputError({ ru: 'Дата замены раньше даты установки прибора', en: 'The replacement date is before the meter was installed' }, { field: 'date' });
      }
      await this.assertReadingsInside(trx, id, null, input.date);
      const deviceTypeId = input.newMeter.deviceTypeId ?? old.deviceTypeId;
      this.checkType(deviceTypeId, old.waterMedium, input.newMeter.radiatorId);
      if (input.finalValue !== undefined) await storeReading(trx, id, input.date, input.finalValue);
      const after = await Meter.query(trx).patchAndFetchById(id, { decommissionedOn: input.date, updatedAt: new Date() });
      await this.store.audit.record(trx, actor, { action: 'update', entity: 'meter', entityId: id, before: old.toJSON(), after: after.toJSON() });
      await this.assertSerialFree(trx, input.newMeter.serial);
      if (input.newMeter.radiatorId) await this.store.find(RADIATOR, input.newMeter.radiatorId, trx);
      const created = await Meter.query(trx)
        .insert({
          serial: input.newMeter.serial,
          deviceTypeId,
          premiseId: old.premiseId,
          installedOn: input.date,
          waterMedium: old.waterMedium,
          address: input.newMeter.address ?? old.address,
        })
        .returning('*');
      const radiatorId = input.newMeter.radiatorId ?? (await trx('meter_radiators').where({ meter_id: id }).whereNull('valid_to').first('radiator_id'))?.radiator_id;
      if (radiatorId) await trx('meter_radiators').insert({ meter_id: created.id, radiator_id: radiatorId, valid_from: input.date });
      await this.store.audit.record(trx, actor, { action: 'create', entity: 'meter', entityId: created.id, after: { ...created.toJSON(), radiatorId, replaces: id } });
      if (input.newMeter.initialValue !== undefined) await storeReading(trx, created.id, input.date, input.newMeter.initialValue);
      return created.id;
    });
    return { old: await this.view(id, lang), new: await this.view(newId, lang) };
  }
}
