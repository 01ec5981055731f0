import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { CONCENTRATOR_TYPES, ConcentratorService, describeCron } from '../../services/polling/concentrator-service.js';
import { PollRunner } from '../../services/polling/poll-runner.js';
import { PollJournal } from '../../services/polling/poll-journal.js';
import { Scheduler } from '../../services/polling/scheduler.js';
import { SettingsService } from '../../services/settings-service.js';
import { LOGGER, REGISTRIES } from '../../tokens.js';
import type { Logger } from '../../plugin-api/service-refs.js';
import type { Registries } from '../../loader/registries.js';
import { ConfigError, ConnectionError, OpenAmrError, ProtocolError, textIn } from '../../plugin-api/errors.js';
import { createServiceLookup } from '../../services/service-lookup.js';
import { coreServices } from '../../plugin-api/service-refs.js';
import { actorOf, defineRoute, languageOf, listQuery } from '../route.js';
import { schemaOf } from '../openapi.js';
import { idParams, uuid } from '../schemas.js';

const type = Joi.string().valid(...Object.keys(CONCENTRATOR_TYPES));
const fields = {
  buildingId: uuid,
  name: Joi.string().trim().max(200).allow('', null),
  type,
  host: Joi.string().trim().max(253).allow(null),
  port: Joi.number().integer().min(1).max(65535).allow(null),
  driverId: Joi.string().max(100),
  settings: Joi.object().unknown(true),
  enabled: Joi.boolean(),
};
const cronField = Joi.string().trim().min(9).max(120);

/** Concentrators (F14), schedules (F15), «Считать сейчас» (F27), the poll journal and statistics (F26). */
export const concentratorRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-concentrator-routes',
  register(server, { container }) {
    const concentrators = container.resolve(ConcentratorService);
    const runner = container.resolve(PollRunner);
    const journal = container.resolve(PollJournal);
    const scheduler = container.resolve(Scheduler);
    const settings = container.resolve(SettingsService);
    const registries = container.resolve<Registries>(REGISTRIES);
    type Runtime = Awaited<ReturnType<ConcentratorService['runtime']>>;
    /** The target and context of a driver call outside a poll (check, scan): nothing is stored. */
    const driverCall = (c: Runtime, signal: AbortSignal, what: string) => ({
      target: { id: c.id, buildingId: c.buildingId, type: c.type, host: c.host, port: c.port, settings: c.settings, cursor: c.cursor, timeZone: c.timeZone },
      ctx: {
        signal,
        logger: logger.child({ concentratorId: c.id, driver: c.driver.id, [what]: true }),
        services: createServiceLookup([[coreServices.clock, { now: () => new Date() }]]),
        knownMeters: async () => [],
      },
    });
    const logger = container.resolve<Logger>(LOGGER);
    const update = {
      access: 'manager' as const,
      description: 'Edit a concentrator (settings are validated by its driver; a secret left out keeps its value)',
      validate: { params: idParams, payload: Joi.object(fields).min(1) },
      handler: async (r: any) => {
        const view = await concentrators.update(actorOf(r), String(r.params.id), r.payload, languageOf(r));
        void scheduler.reload();
        return view;
      },
    };
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/concentrator-types',
        access: 'operator',
        description: 'Concentrator types (F14) and the installed reader drivers with their settings keys',
        handler: (r) => {
          const lang = languageOf(r);
          return {
            types: Object.entries(CONCENTRATOR_TYPES).map(([id, label]) => ({ id, label: label[lang] })),
            drivers: registries.readerDrivers.values().map((d) => ({
              id: d.id,
              label: d.label[lang],
              mode: d.mode,
              secretSettings: d.secretSettings ?? [],
              settings: Object.keys(d.settingsSchema.describe().keys ?? {}),
              // The settings as JSON Schema (titles and descriptions from the driver's joi schema): the form the web UI draws.
              settingsSchema: schemaOf(d.settingsSchema),
              canCheck: typeof d.check === 'function',
              canScan: typeof d.scan === 'function',
            })),
          };
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/concentrators',
        access: 'operator',
        description: 'Concentrators, of one building with ?buildingId=',
        validate: { query: Joi.object({ ...listQuery, buildingId: uuid }) },
        handler: (r) => concentrators.list(r.query as never, languageOf(r)),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/concentrators',
        access: 'manager',
        description: 'Add a concentrator to a building (F14)',
        validate: {
          payload: Joi.object({
            ...fields,
            buildingId: fields.buildingId.required(),
            type: fields.type.required(),
            driverId: fields.driverId.required(),
            settings: fields.settings.required(),
          }),
        },
        handler: async (r, h) => h.response(await concentrators.create(actorOf(r), r.payload as never, languageOf(r))).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/concentrators/{id}',
        access: 'operator',
        description: 'One concentrator (secrets never returned: `secretsSet` names those set)',
        validate: { params: idParams },
        handler: (r) => concentrators.get(String(r.params.id), languageOf(r)),
      }),
      defineRoute({ method: 'PATCH', path: '/api/concentrators/{id}', ...update }),
      defineRoute({ method: 'PUT', path: '/api/concentrators/{id}', ...update }),
      defineRoute({
        method: 'DELETE',
        path: '/api/concentrators/{id}',
        access: 'manager',
        description: 'Delete a concentrator with its schedule and journal',
        validate: { params: idParams },
        handler: async (r, h) => {
          await concentrators.delete(actorOf(r), String(r.params.id));
          void scheduler.reload();
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/concentrators/{id}/schedule',
        access: 'operator',
        description: 'The concentrator’s schedule in words with its next runs (null when none)',
        validate: { params: idParams },
        handler: async (r) => (await concentrators.get(String(r.params.id), languageOf(r))).schedule,
      }),
      defineRoute({
        method: 'PUT',
        path: '/api/concentrators/{id}/schedule',
        access: 'manager',
        description: 'Set the schedule (F15): a cron expression in the building’s time zone, enabled or not',
        validate: { params: idParams, payload: Joi.object({ cron: cronField.required(), enabled: Joi.boolean() }) },
        handler: async (r) => {
          const view = await concentrators.setSchedule(actorOf(r), String(r.params.id), r.payload as never, languageOf(r));
          void scheduler.reload();
          return view.schedule;
        },
      }),
      defineRoute({
        method: 'DELETE',
        path: '/api/concentrators/{id}/schedule',
        access: 'manager',
        description: 'Remove the schedule',
        validate: { params: idParams },
        handler: async (r, h) => {
          await concentrators.setSchedule(actorOf(r), String(r.params.id), null, languageOf(r));
          void scheduler.reload();
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/cron-preview',
        access: 'operator',
        description: 'A cron expression in words and its next runs, as the schedule editor types',
        validate: { query: Joi.object({ cron: cronField.required(), timeZone: Joi.string().max(64).default('Europe/Moscow') }) },
        handler: (r) => describeCron(String(r.query.cron), String(r.query.timeZone), languageOf(r)),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/concentrators/{id}/poll',
        access: 'manager',
        description: '«Считать сейчас» (F27, manager or administrator): starts a poll at once; 202 with its run id (409 while one runs)',
        validate: { params: idParams },
        handler: async (r, h) => {
          const { runId } = await runner.start(String(r.params.id), { kind: 'manual', actor: actorOf(r) });
          return h.response({ runId }).code(202).header('location', `/api/poll-runs/${runId}`);
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/concentrators/{id}/check',
        access: 'manager',
        description: '«Проверить соединение»: the driver’s check(), nothing stored',
        validate: { params: idParams },
        handler: async (r) => {
          const lang = languageOf(r);
          const c = await concentrators.runtime(String(r.params.id)).catch((err) => err as Error);
          if (c instanceof Error) {
            if (c instanceof ConfigError) return { ok: false, message: c.messageIn(lang) };
            throw c;
          }
          if (!c.driver.check) return { ok: false, message: lang === 'ru' ? `Драйвер ${c.driver.id} не умеет проверять соединение` : `Driver ${c.driver.id} cannot check the connection` };
          const signal = AbortSignal.timeout(30_000);
          try {
            const { target, ctx } = driverCall(c, signal, 'check');
            return await c.driver.check(target, ctx);
          } catch (err) {
            if (err instanceof ConnectionError || err instanceof ProtocolError || err instanceof ConfigError) return { ok: false, message: err.messageIn(lang) };
            if (signal.aborted) return { ok: false, message: lang === 'ru' ? 'Нет ответа за 30 с' : 'No answer within 30 s' };
            return { ok: false, message: err instanceof OpenAmrError ? textIn(err.text, lang) : String((err as Error).message) };
          }
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/concentrators/{id}/scan',
        access: 'manager',
        description:
          '«Поиск приборов»: the driver’s bus scan (no poll meanwhile, on any node); each meter found with its settings entry, whether the settings already read it and whether the registry has it',
        validate: { params: idParams, payload: Joi.object({ mode: Joi.string().max(40) }).allow(null) },
        // A primary scan asks 251 addresses: minutes on a slow bus.
        options: { timeout: { server: false, socket: 20 * 60_000 } },
        handler: async (r) => {
          const id = String(r.params.id);
          const c = await concentrators.runtime(id);
          if (!c.driver.scan) {
            throw new ConfigError({ ru: `Драйвер ${c.driver.id} не умеет искать приборы`, en: `Driver ${c.driver.id} cannot scan for meters` }, { field: 'driverId' });
          }
          const scan = c.driver.scan.bind(c.driver);
          const found = await runner.exclusive(id, () => {
            const { target, ctx } = driverCall(c, AbortSignal.timeout(15 * 60_000), 'scan');
            return scan(target, ctx, { mode: (r.payload as { mode?: string } | null)?.mode });
          });
          const serials = found.map((f) => f.serial);
          const known = new Map<string, string>(
            (await concentrators.metersBySerial(serials)).map((m) => [m.serial, m.id]),
          );
          const inSettings = JSON.stringify(c.settings);
          return {
            found: found.map((f) => ({
              ...f,
              meterId: known.get(f.serial) ?? null,
              inRegistry: known.has(f.serial),
              inSettings: inSettings.includes(JSON.stringify(f.serial)) || Object.entries(f.meterSetting).every(([k, v]) => inSettings.includes(`${JSON.stringify(k)}:${JSON.stringify(v)}`)),
            })),
          };
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/concentrators/{id}/stats',
        access: 'operator',
        description: 'Last run, success rate over 7 and 30 days, readings per run (F26)',
        validate: { params: idParams },
        handler: (r) => journal.stats(String(r.params.id)),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/poll-runs',
        access: 'operator',
        description: 'The poll journal (F26), newest first; of a concentrator or a building',
        validate: {
          query: Joi.object({
            ...listQuery,
            concentratorId: uuid,
            buildingId: uuid,
            outcome: Joi.string().valid('running', 'ok', 'partial', 'connection-error', 'protocol-error', 'config-error', 'timeout'),
          }),
        },
        handler: (r) => journal.list(r.query as never),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/poll-runs/{id}',
        access: 'operator',
        description: 'One poll run with its problems',
        validate: { params: idParams },
        handler: (r) => journal.get(String(r.params.id)),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/attention',
        access: 'operator',
        description:
          'What needs attention (B2): silent meters per building and concentrator, failing concentrators, meters at risk before the billing day (?days= silence, default the stale-days setting; ?billingDay= 1–31, default 25; ?buildingId=)',
        validate: { query: Joi.object({ days: Joi.number().integer().min(0).max(3650), billingDay: Joi.number().integer().min(1).max(31).default(25), buildingId: uuid }) },
        handler: async (r) => {
          const q = r.query as { days?: number; billingDay: number; buildingId?: string };
          return journal.attention({ days: q.days ?? (await settings.staleDays()), billingDay: q.billingDay, buildingId: q.buildingId });
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/buildings/{id}/silent-meters',
        access: 'operator',
        description: 'Active meters of the building without a reading for more than ?days= days (default 3), longest silent first',
        validate: { params: idParams, query: Joi.object({ ...listQuery, days: Joi.number().integer().min(0).max(3650).default(3) }) },
        handler: (r) => journal.silentMeters(String(r.params.id), Number(r.query.days), r.query as never),
      }),
    ]);
  },
};
