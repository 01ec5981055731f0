import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import cron from 'node-cron';
import cronstrue from 'cronstrue/i18n.js';
import { DB, REGISTRIES } from '../../tokens.js';
import { ConfigError, InputError, NotFoundError, ConflictError } from '../../plugin-api/errors.js';
import type { ReaderDriver } from '../../plugin-api/reader-driver.js';
import type { Registries } from '../../loader/registries.js';
import { AuditService } from '../audit-service.js';
import { SecretBox } from '../secret-box.js';
import type { Actor } from '../actor.js';
import { pageOf } from '../list-sort.js';

/** Concentrator types of the manual (F14), with their labels. */
export const CONCENTRATOR_TYPES = {
  'indiv-x-total': { ru: 'INDIV-X-Total', en: 'INDIV-X-Total' },
  'sonocollect-110': { ru: 'SonoCollect 110', en: 'SonoCollect 110' },
  'sonocollect-111': { ru: 'SonoCollect 111', en: 'SonoCollect 111' },
  'total-rs485': { ru: 'Total RS-485', en: 'Total RS-485' },
  'indiv-x-gateway-mesh': { ru: 'INDIV-X-Gateway Mesh', en: 'INDIV-X-Gateway Mesh' },
  'indiv-x-multi': { ru: 'INDIV-X-MULTI', en: 'INDIV-X-MULTI' },
  'pulsar-mbus': { ru: 'Преобразователь Пульсар M-Bus', en: 'Pulsar M-Bus converter' },
  generic: { ru: 'Другой', en: 'Generic' },
} as const;

export type ConcentratorType = keyof typeof CONCENTRATOR_TYPES;

export interface ScheduleView {
  cron: string;
  enabled: boolean;
  /** The expression in words, in the user's language. */
  description: string;
  /** The next three times it fires (in the building's time zone). */
  nextRuns: string[];
}

export interface ConcentratorView {
  id: string;
  buildingId: string;
  name: string | null;
  type: ConcentratorType;
  host: string | null;
  port: number | null;
  driverId: string;
  /** The driver's settings without its secrets; `secretsSet` names the secrets that are set. */
  settings: Record<string, unknown>;
  secretsSet: string[];
  enabled: boolean;
  schedule: ScheduleView | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConcentratorInput {
  buildingId?: string;
  name?: string | null;
  type?: ConcentratorType;
  host?: string | null;
  port?: number | null;
  driverId?: string;
  settings?: Record<string, unknown>;
  enabled?: boolean;
}

/** What the poll runner needs of a concentrator: settings validated, defaults applied, secrets opened. */
export interface ConcentratorRuntime {
  id: string;
  buildingId: string;
  type: string;
  host?: string;
  port?: number;
  driver: ReaderDriver;
  settings: Record<string, unknown>;
  cursor?: string;
  timeZone: string;
  enabled: boolean;
}

/** A cron expression checked by node-cron, with the reason in words when it is wrong. */
export function checkCron(expression: string): void {
  const v = cron.validateDetailed(expression);
  if (!v.valid) {
    const why = v.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new InputError(
      { ru: `Неверное расписание «${expression}»: ${why}`, en: `Invalid schedule "${expression}": ${why}` },
      { field: 'cron' },
    );
  }
}

/** The schedule in words and its next runs (F15: the human-readable preview). */
export function describeCron(expression: string, timeZone: string, lang: 'ru' | 'en'): Omit<ScheduleView, 'enabled'> {
  checkCron(expression);
  const description = cronInWords(expression, { locale: lang, use24HourTimeFormat: true, throwExceptionOnParseError: false });
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  const fmt = new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' });
  const nextRuns = task.getNextRuns(3).map((d) => fmt.format(d));
  void task.destroy();
  return { cron: expression, description, nextRuns };
}

// cronstrue's CommonJS export object; its typings describe the class, not the object.
const cronInWords = (cronstrue as unknown as { toString(expression: string, options: object): string }).toString;

const NOT_FOUND = { ru: 'Концентратор не найден', en: 'Concentrator not found' };

/** Building concentrators (F14) and their schedules (F15). Secrets of the driver's settings are sealed at rest. */
@injectable()
export class ConcentratorService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(REGISTRIES) private readonly registries: Registries,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(SecretBox) private readonly secrets: SecretBox,
  ) {}

  private driver(id: string): ReaderDriver {
    const d = this.registries.readerDrivers.get(id);
    if (!d) {
      const known = this.registries.readerDrivers.values().map((x) => x.id).join(', ') || '—';
      throw new InputError(
        { ru: `Неизвестный драйвер «${id}» (установлены: ${known})`, en: `Unknown driver "${id}" (installed: ${known})` },
        { field: 'driverId' },
      );
    }
    return d;
  }

  /** Validates settings against the driver's schema; secrets sealed, an omitted secret keeps its stored value. */
  private async sealSettings(driver: ReaderDriver, input: Record<string, unknown>, stored: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const secretKeys = new Set(driver.secretSettings ?? []);
    const plain: Record<string, unknown> = { ...input };
    for (const k of secretKeys) {
      if (plain[k] === undefined && stored[k] !== undefined) plain[k] = stored[k] === null ? undefined : await this.secrets.open(String(stored[k]));
      if (plain[k] === null) delete plain[k];
    }
    const { error, value } = driver.settingsSchema.validate(plain, { abortEarly: true, convert: true });
    if (error) {
      const d = error.details[0]!;
      throw new InputError(
        { ru: `Настройки драйвера ${driver.id}: ${d.message}`, en: `Settings of driver ${driver.id}: ${d.message}` },
        { field: ['settings', ...d.path].join('.') },
      );
    }
    const sealed: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const k of secretKeys) if (typeof sealed[k] === 'string' && sealed[k] !== '') sealed[k] = await this.secrets.seal(sealed[k] as string);
    return sealed;
  }

  private redact(driverId: string, settings: Record<string, unknown>): { settings: Record<string, unknown>; secretsSet: string[] } {
    const secretKeys = this.registries.readerDrivers.get(driverId)?.secretSettings ?? [];
    const out = { ...settings };
    const set: string[] = [];
    for (const k of secretKeys) {
      if (out[k] !== undefined && out[k] !== null && out[k] !== '') set.push(k);
      delete out[k];
    }
    return { settings: out, secretsSet: set };
  }

  private async row(id: string, trx: Knex | Knex.Transaction = this.db) {
    const r = await trx('concentrators as c')
      .join('buildings as b', 'b.id', 'c.building_id')
      .leftJoin('schedules as s', 's.concentrator_id', 'c.id')
      .where('c.id', id)
      .first('c.*', 'b.time_zone', 's.cron', 's.enabled as schedule_enabled');
    if (!r) throw new NotFoundError(NOT_FOUND, { id });
    return r;
  }

  private toView(r: any, lang: 'ru' | 'en'): ConcentratorView {
    const { settings, secretsSet } = this.redact(r.driver_id, r.settings ?? {});
    let schedule: ScheduleView | null = null;
    if (r.cron) {
      try {
        schedule = { ...describeCron(r.cron, r.time_zone, lang), enabled: r.schedule_enabled };
      } catch {
        schedule = { cron: r.cron, enabled: r.schedule_enabled, description: '', nextRuns: [] };
      }
    }
    return {
      id: r.id,
      buildingId: r.building_id,
      name: r.name,
      type: r.type,
      host: r.host,
      port: r.port,
      driverId: r.driver_id,
      settings,
      secretsSet,
      enabled: r.enabled,
      schedule,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** For the audit log: what changed, never a secret. */
  private auditShape(r: any): Record<string, unknown> {
    const { settings, secretsSet } = this.redact(r.driver_id, r.settings ?? {});
    return { buildingId: r.building_id, name: r.name, type: r.type, host: r.host, port: r.port, driverId: r.driver_id, settings, secretsSet, enabled: r.enabled };
  }

  async list(q: { buildingId?: string; limit: number; offset: number }, lang: 'ru' | 'en'): Promise<{ items: ConcentratorView[]; total: number }> {
    const base = this.db('concentrators as c')
      .join('buildings as b', 'b.id', 'c.building_id')
      .leftJoin('schedules as s', 's.concentrator_id', 'c.id')
      .modify((b) => {
        if (q.buildingId) b.where('c.building_id', q.buildingId);
      });
    return pageOf(base, q, (b) => b.select('c.*', 'b.time_zone', 's.cron', 's.enabled as schedule_enabled').orderBy(['b.name', 'c.name', 'c.created_at', 'c.id']), (r) =>
      this.toView(r, lang),
    );
  }

  async get(id: string, lang: 'ru' | 'en'): Promise<ConcentratorView> {
    return this.toView(await this.row(id), lang);
  }

  async create(actor: Actor, input: Required<Pick<ConcentratorInput, 'buildingId' | 'type' | 'driverId' | 'settings'>> & ConcentratorInput, lang: 'ru' | 'en'): Promise<ConcentratorView> {
    const driver = this.driver(input.driverId);
    const settings = await this.sealSettings(driver, input.settings);
    const id = await this.db.transaction(async (trx) => {
      const building = await trx('buildings').where({ id: input.buildingId }).first('id');
      if (!building) throw new InputError({ ru: 'Объект не найден', en: 'Building not found' }, { field: 'buildingId' });
      const [row] = await trx('concentrators')
        .insert({
          building_id: input.buildingId,
          name: input.name ?? null,
          type: input.type,
          host: input.host ?? null,
          port: input.port ?? null,
          driver_id: driver.id,
          settings: JSON.stringify(settings),
          enabled: input.enabled ?? true,
        })
        .returning('*');
      await this.audit.record(trx, actor, { action: 'create', entity: 'concentrator', entityId: row.id, after: this.auditShape(row) });
      return row.id as string;
    });
    return this.get(id, lang);
  }

  async update(actor: Actor, id: string, patch: ConcentratorInput, lang: 'ru' | 'en'): Promise<ConcentratorView> {
    await this.db.transaction(async (trx) => {
      const before = await trx('concentrators').where({ id }).forUpdate().first();
      if (!before) throw new NotFoundError(NOT_FOUND, { id });
      const driverId = patch.driverId ?? before.driver_id;
      const driver = this.driver(driverId);
      // Another driver starts from its own defaults; the same driver keeps what is not sent.
      const stored = driverId === before.driver_id ? (before.settings ?? {}) : {};
      const settings =
        patch.settings !== undefined || driverId !== before.driver_id
          ? await this.sealSettings(driver, { ...this.redact(driverId, stored).settings, ...(patch.settings ?? {}) }, stored)
          : before.settings;
      const changes: Record<string, unknown> = { settings: JSON.stringify(settings), driver_id: driverId, updated_at: trx.fn.now() };
      if (patch.buildingId !== undefined) changes.building_id = patch.buildingId;
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.type !== undefined) changes.type = patch.type;
      if (patch.host !== undefined) changes.host = patch.host;
      if (patch.port !== undefined) changes.port = patch.port;
      if (patch.enabled !== undefined) changes.enabled = patch.enabled;
      // A new driver does not understand the old one's cursor.
      if (driverId !== before.driver_id) changes.cursor = null;
      const [after] = await trx('concentrators').where({ id }).update(changes).returning('*');
      await this.audit.record(trx, actor, { action: 'update', entity: 'concentrator', entityId: id, before: this.auditShape(before), after: this.auditShape(after) });
    });
    return this.get(id, lang);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const before = await trx('concentrators').where({ id }).forUpdate().first();
      if (!before) throw new NotFoundError(NOT_FOUND, { id });
      if (before.lease_until && new Date(before.lease_until) > new Date()) {
        throw new ConflictError({ ru: 'Идёт опрос концентратора: удалить его можно после окончания опроса', en: 'The concentrator is being polled: delete it when the poll ends' });
      }
      await trx('concentrators').where({ id }).delete();
      await this.audit.record(trx, actor, { action: 'delete', entity: 'concentrator', entityId: id, before: this.auditShape(before) });
    });
  }

  /** Sets (or replaces) the concentrator's schedule (F15); `null` removes it. */
  async setSchedule(actor: Actor, id: string, schedule: { cron: string; enabled?: boolean } | null, lang: 'ru' | 'en'): Promise<ConcentratorView> {
    if (schedule) checkCron(schedule.cron);
    await this.db.transaction(async (trx) => {
      const c = await trx('concentrators').where({ id }).forUpdate().first('id');
      if (!c) throw new NotFoundError(NOT_FOUND, { id });
      const before = await trx('schedules').where({ concentrator_id: id }).first('cron', 'enabled');
      if (schedule) {
        await trx('schedules')
          .insert({ concentrator_id: id, cron: schedule.cron, enabled: schedule.enabled ?? true })
          .onConflict('concentrator_id')
          .merge({ cron: schedule.cron, enabled: schedule.enabled ?? true, updated_at: trx.fn.now() });
      } else {
        await trx('schedules').where({ concentrator_id: id }).delete();
      }
      await this.audit.record(trx, actor, {
        action: 'update',
        entity: 'schedule',
        entityId: id,
        before: before ?? null,
        after: schedule ? { cron: schedule.cron, enabled: schedule.enabled ?? true } : null,
      });
    });
    return this.get(id, lang);
  }

  /** The registry's meters in service with these serials (what a bus scan found that is already known). */
  async metersBySerial(serials: string[]): Promise<Array<{ id: string; serial: string }>> {
    if (!serials.length) return [];
    return this.db('meters').whereIn('serial', serials).whereNull('decommissioned_on').select('id', 'serial');
  }

  /** The concentrator as the poll runner uses it; wrong settings (e.g. a driver's schema grew) are a ConfigError. */
  async runtime(id: string, trx: Knex | Knex.Transaction = this.db): Promise<ConcentratorRuntime> {
    const r = await this.row(id, trx);
    const driver = this.registries.readerDrivers.get(r.driver_id);
    if (!driver) {
      throw new ConfigError({ ru: `Драйвер «${r.driver_id}» не установлен`, en: `Driver "${r.driver_id}" is not installed` }, { field: 'driverId' });
    }
    const plain: Record<string, unknown> = { ...(r.settings ?? {}) };
    for (const k of driver.secretSettings ?? []) {
      if (SecretBox.isSealed(plain[k])) {
        try {
          plain[k] = await this.secrets.open(plain[k] as string);
        } catch {
          throw new ConfigError(
            { ru: `Секрет «${k}» концентратора не расшифровывается: ключ сервера сменился? Введите его заново`, en: `Secret "${k}" cannot be decrypted: did the server key change? Enter it again` },
            { field: `settings.${k}` },
          );
        }
      }
    }
    const { error, value } = driver.settingsSchema.validate(plain, { abortEarly: true, convert: true });
    if (error) {
      throw new ConfigError(
        { ru: `Настройки драйвера ${driver.id}: ${error.details[0]!.message}`, en: `Settings of driver ${driver.id}: ${error.details[0]!.message}` },
        { field: ['settings', ...error.details[0]!.path].join('.') },
      );
    }
    return {
      id: r.id,
      buildingId: r.building_id,
      type: r.type,
      ...(r.host ? { host: r.host } : {}),
      ...(r.port ? { port: r.port } : {}),
      driver,
      settings: value as Record<string, unknown>,
      ...(r.cursor ? { cursor: r.cursor } : {}),
      timeZone: r.time_zone ?? 'Europe/Moscow',
      enabled: r.enabled,
    };
  }
}
