import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { BuildingService } from '../../services/registry/building-service.js';
import { BuildingRecordsService } from '../../services/registry/building-records-service.js';
import { PremiseService } from '../../services/registry/premise-service.js';
import { actorOf, defineRoute, listQuery } from '../route.js';
import { day, decimal, idParams, premiseKind, uuid } from '../schemas.js';
import { premiseFields } from './premise-routes.js';

const timeZone = Joi.string()
  .max(64)
  .custom((tz: string, h) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return tz;
    } catch {
      return h.error('any.invalid');
    }
  })
  .messages({ 'any.invalid': '{{#label}} must be an IANA time zone such as Europe/Moscow' });

const buildingFields = {
  name: Joi.string().trim().min(1).max(300),
  address: Joi.string().trim().min(1).max(500),
  totalArea: decimal({ min: 0 }).allow(null),
  notes: Joi.string().max(5000).allow('', null),
  timeZone,
};

const recordParams = Joi.object({ id: uuid.required(), recordId: uuid.required() });
const heatUnit = Joi.string().valid('Gcal', 'GJ', 'MWh', 'kWh');

/** Buildings (F01, F02, F04) with their premises tab (F05), ODPU readings (F07) and norms (F08). */
export const buildingRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-building-routes',
  register(server, { container }) {
    const buildings = container.resolve(BuildingService);
    const records = container.resolve(BuildingRecordsService);
    const premises = container.resolve(PremiseService);
    const update = {
      access: 'manager' as const,
      description: 'Edit a building',
      validate: { params: idParams, payload: Joi.object(buildingFields).min(1) },
      handler: (r: any) => buildings.update(actorOf(r), String(r.params.id), r.payload),
    };
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/buildings',
        access: 'operator',
        description: 'Buildings with total area, premises, meters and concentrator hosts (F01)',
        validate: { query: Joi.object(listQuery) },
        handler: (r) => buildings.list(r.query as never),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/buildings',
        access: 'manager',
        description: 'Create a building (F02)',
        validate: { payload: Joi.object({ ...buildingFields, name: buildingFields.name.required(), address: buildingFields.address.required() }) },
        handler: async (r, h) => h.response(await buildings.create(actorOf(r), r.payload as never)).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/buildings/{id}',
        access: 'operator',
        description: 'One building',
        validate: { params: idParams },
        handler: (r) => buildings.get(String(r.params.id)),
      }),
      defineRoute({ method: 'PATCH', path: '/api/buildings/{id}', ...update }),
      defineRoute({ method: 'PUT', path: '/api/buildings/{id}', ...update }),
      defineRoute({
        method: 'DELETE',
        path: '/api/buildings/{id}',
        access: 'manager',
        description: 'Delete a building (refused while premises are attached)',
        validate: { params: idParams },
        handler: async (r, h) => {
          await buildings.delete(actorOf(r), String(r.params.id));
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/buildings/{id}/premises',
        access: 'operator',
        description: 'The premises tab (F05): premises with meter serials and states; q searches every column',
        validate: { params: idParams, query: Joi.object(listQuery) },
        handler: async (r) => {
          await buildings.get(String(r.params.id));
          return premises.list({ ...(r.query as object), buildingId: String(r.params.id) } as never);
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/buildings/{id}/premises',
        access: 'manager',
        description: 'Add a premise to the building',
        validate: {
          params: idParams,
          payload: Joi.object({ ...premiseFields, number: premiseFields.number.required(), area: premiseFields.area.required(), kind: premiseKind.required() }),
        },
        handler: async (r, h) => h.response(await premises.create(actorOf(r), { ...(r.payload as object), buildingId: String(r.params.id) })).code(201),
      }),
    ]);

    const recordRoutes = (kind: 'heat-readings' | 'norms', label: string, fields: Record<string, Joi.Schema>, required: string[]) => {
      const createSchema = Joi.object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, required.includes(k) ? v.required() : v])));
      server.route([
        defineRoute({
          method: 'GET',
          path: `/api/buildings/{id}/${kind}`,
          access: 'operator',
          description: `${label}: list`,
          validate: { params: idParams, query: Joi.object(listQuery) },
          handler: (r) => records.list(kind, String(r.params.id), r.query as never),
        }),
        defineRoute({
          method: 'POST',
          path: `/api/buildings/{id}/${kind}`,
          access: 'manager',
          description: `${label}: add`,
          validate: { params: idParams, payload: createSchema },
          handler: async (r, h) => h.response(await records.create(actorOf(r), kind, String(r.params.id), r.payload as never)).code(201),
        }),
        defineRoute({
          method: 'PATCH',
          path: `/api/buildings/{id}/${kind}/{recordId}`,
          access: 'manager',
          description: `${label}: correct`,
          validate: { params: recordParams, payload: Joi.object(fields).min(1) },
          handler: (r) => records.update(actorOf(r), kind, String(r.params.id), String(r.params.recordId), r.payload as never),
        }),
        defineRoute({
          method: 'DELETE',
          path: `/api/buildings/{id}/${kind}/{recordId}`,
          access: 'manager',
          description: `${label}: delete`,
          validate: { params: recordParams },
          handler: async (r, h) => {
            await records.delete(actorOf(r), kind, String(r.params.id), String(r.params.recordId));
            return h.response().code(204);
          },
        }),
      ]);
    };
    recordRoutes('heat-readings', 'Building heat meter (ODPU) readings (F07)', { date: day, value: decimal({ min: 0 }), unit: heatUnit }, ['date', 'value']);
    recordRoutes('norms', 'Heat norms, Gcal/m² per month (F08)', { kind: premiseKind, effectiveFrom: day, value: decimal({ min: 0 }) }, ['kind', 'effectiveFrom', 'value']);
  },
};
