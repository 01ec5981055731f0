import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { RadiatorService } from '../../services/registry/radiator-service.js';
import { MeterService } from '../../services/registry/meter-service.js';
import { PreferenceService } from '../../services/preference-service.js';
import { SettingsService } from '../../services/settings-service.js';
import { NotFoundError } from '../../plugin-api/errors.js';
import type { Registries } from '../../loader/registries.js';
import { REGISTRIES } from '../../tokens.js';
import { actorOf, defineRoute, languageOf, listQuery, sessionUser } from '../route.js';
import { decimal, idParams } from '../schemas.js';

const radiatorFields = {
  model: Joi.string().trim().min(1).max(200),
  manufacturer: Joi.string().trim().max(200).allow('', null),
  type: Joi.string().trim().max(100).allow('', null),
  height: Joi.number().integer().min(0).max(10_000).allow(null),
  width: Joi.number().integer().min(0).max(100_000).allow(null),
  coefficient: decimal({ positive: true, max: 1000 }),
};

/** Reference data (F13), the global serial search (F03), per-user preferences and settings. */
export const referenceRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-reference-routes',
  register(server, { container }) {
    const radiators = container.resolve(RadiatorService);
    const meters = container.resolve(MeterService);
    const preferences = container.resolve(PreferenceService);
    const settings = container.resolve(SettingsService);
    const registries = container.resolve<Registries>(REGISTRIES);
    const deviceTypeView = (id: string, lang: 'ru' | 'en') => {
      const t = registries.deviceTypes.get(id)!;
      return { ...t, label: t.label, labelText: t.label[lang], pluginId: registries.deviceTypes.ownerOf(id) };
    };
    const radiatorUpdate = {
      access: 'manager' as const,
      description: 'Edit a radiator',
      validate: { params: idParams, payload: Joi.object(radiatorFields).min(1) },
      handler: (r: any) => radiators.update(actorOf(r), String(r.params.id), r.payload),
    };
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/radiators',
        access: 'operator',
        description: 'The radiator catalogue; q searches model, manufacturer and type',
        validate: { query: Joi.object(listQuery) },
        handler: (r) => radiators.list(r.query as never),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/radiators',
        access: 'manager',
        description: 'Add a radiator to the catalogue',
        validate: { payload: Joi.object({ ...radiatorFields, model: radiatorFields.model.required(), coefficient: radiatorFields.coefficient.required() }) },
        handler: async (r, h) => h.response(await radiators.create(actorOf(r), r.payload as never)).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/radiators/{id}',
        access: 'operator',
        description: 'One radiator',
        validate: { params: idParams },
        handler: (r) => radiators.get(String(r.params.id)),
      }),
      defineRoute({ method: 'PATCH', path: '/api/radiators/{id}', ...radiatorUpdate }),
      defineRoute({ method: 'PUT', path: '/api/radiators/{id}', ...radiatorUpdate }),
      defineRoute({
        method: 'DELETE',
        path: '/api/radiators/{id}',
        access: 'manager',
        description: 'Delete a radiator no meter has used',
        validate: { params: idParams },
        handler: async (r, h) => {
          await radiators.delete(actorOf(r), String(r.params.id));
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/device-types',
        access: 'operator',
        description: 'Device types contributed by the loaded plugins, with kind and quantities',
        handler: (r) => ({
          items: registries.deviceTypes
            .values()
            .map((t) => deviceTypeView(t.id, languageOf(r)))
            .sort((a, b) => a.id.localeCompare(b.id)),
        }),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/device-types/{id}',
        access: 'operator',
        description: 'One device type',
        validate: { params: Joi.object({ id: Joi.string().max(200).required() }) },
        handler: (r) => {
          const id = String(r.params.id);
          if (!registries.deviceTypes.has(id)) throw new NotFoundError({ ru: 'Тип прибора не найден', en: 'Device type not found' }, { id });
          return deviceTypeView(id, languageOf(r));
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/search',
        access: 'operator',
        description: 'Global search by meter serial, exact or prefix, decommissioned meters included (F03)',
        validate: { query: Joi.object({ serial: Joi.string().trim().min(1).max(64).required(), limit: Joi.number().integer().min(1).max(200).default(50) }) },
        handler: async (r) => {
          const q = r.query as { serial: string; limit: number };
          const found = await meters.search(q.serial, languageOf(r), q.limit);
          return {
            items: found.map((m) => ({
              meterId: m.id,
              serial: m.serial,
              state: m.state,
              deviceTypeId: m.deviceTypeId,
              premiseId: m.premiseId,
              premiseNumber: m.premiseNumber,
              buildingId: m.buildingId,
              buildingName: m.buildingName,
            })),
          };
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/preferences/{key}',
        access: 'operator',
        description: "The user's saved preference (e.g. the columns of a list), null when none",
        validate: { params: Joi.object({ key: Joi.string().pattern(/^[a-z0-9.:-]{1,100}$/).required() }) },
        handler: async (r) => ({ key: String(r.params.key), value: await preferences.get(sessionUser(r)!.id, String(r.params.key)) }),
      }),
      defineRoute({
        method: 'PUT',
        path: '/api/preferences/{key}',
        access: 'operator',
        description: 'Save a preference of the user (any JSON up to 16 KB)',
        validate: {
          params: Joi.object({ key: Joi.string().pattern(/^[a-z0-9.:-]{1,100}$/).required() }),
          payload: Joi.object({ value: Joi.any().required() }),
        },
        payload: { maxBytes: 16 * 1024 },
        handler: async (r) => {
          const value = (r.payload as { value: unknown }).value;
          await preferences.set(sessionUser(r)!.id, String(r.params.key), value);
          return { key: String(r.params.key), value };
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/settings',
        access: 'operator',
        description: 'Server settings: staleDays (a meter turns blue after that many days without readings)',
        handler: async () => ({ staleDays: await settings.staleDays() }),
      }),
      defineRoute({
        method: 'PUT',
        path: '/api/settings',
        access: 'administrator',
        description: 'Change server settings',
        validate: { payload: Joi.object({ staleDays: Joi.number().integer().min(1).max(3650).required() }) },
        handler: (r) => settings.update(actorOf(r), r.payload as { staleDays: number }),
      }),
    ]);
  },
};
