import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { PremiseService } from '../../services/registry/premise-service.js';
import { MeterService } from '../../services/registry/meter-service.js';
import { actorOf, defineRoute, languageOf, listQuery } from '../route.js';
import { day, decimal, idParams, premiseKind, uuid } from '../schemas.js';

export const premiseFields = {
  number: Joi.string().trim().min(1).max(50),
  floor: Joi.number().integer().min(-10).max(300).allow(null),
  entrance: Joi.number().integer().min(0).max(100).allow(null),
  area: decimal({ positive: true, max: 1_000_000 }),
  accountNumber: Joi.string().trim().max(100).allow('', null),
  acceptanceDate: day.allow(null),
  kind: premiseKind,
};

/** Premises (F05, F09, F10): free premises, attach/detach, the premise card's meters. */
export const premiseRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-premise-routes',
  register(server, { container }) {
    const premises = container.resolve(PremiseService);
    const meters = container.resolve(MeterService);
    const update = {
      access: 'manager' as const,
      description: 'Edit a premise',
      validate: { params: idParams, payload: Joi.object(premiseFields).min(1) },
      handler: (r: any) => premises.update(actorOf(r), String(r.params.id), r.payload),
    };
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/premises',
        access: 'operator',
        description: 'Premises; ?free=true for unattached ones, ?buildingId= for one building',
        validate: { query: Joi.object({ ...listQuery, free: Joi.boolean(), buildingId: uuid }) },
        handler: (r) => premises.list(r.query as never),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/premises',
        access: 'manager',
        description: 'Create a premise, free unless buildingId is given (F09)',
        validate: {
          payload: Joi.object({
            ...premiseFields,
            number: premiseFields.number.required(),
            area: premiseFields.area.required(),
            kind: premiseKind.required(),
            buildingId: uuid.allow(null),
          }),
        },
        handler: async (r, h) => h.response(await premises.create(actorOf(r), r.payload as never)).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/premises/{id}',
        access: 'operator',
        description: 'One premise',
        validate: { params: idParams },
        handler: (r) => premises.get(String(r.params.id)),
      }),
      defineRoute({ method: 'PATCH', path: '/api/premises/{id}', ...update }),
      defineRoute({ method: 'PUT', path: '/api/premises/{id}', ...update }),
      defineRoute({
        method: 'DELETE',
        path: '/api/premises/{id}',
        access: 'manager',
        description: 'Delete a premise (refused while meters are attached)',
        validate: { params: idParams },
        handler: async (r, h) => {
          await premises.delete(actorOf(r), String(r.params.id));
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'PUT',
        path: '/api/premises/{id}/building',
        access: 'manager',
        description: 'Attach the premise to a building, or detach it with buildingId null (F09)',
        validate: { params: idParams, payload: Joi.object({ buildingId: uuid.allow(null).required() }) },
        handler: (r) => premises.setBuilding(actorOf(r), String(r.params.id), (r.payload as { buildingId: string | null }).buildingId),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/premises/{id}/meters',
        access: 'operator',
        description: "The premise card's meters (F10): type, serial, dates, current reading, error, radiator",
        validate: { params: idParams, query: Joi.object(listQuery) },
        handler: async (r) => {
          await premises.assertExists(String(r.params.id));
          return meters.list({ ...(r.query as object), premiseId: String(r.params.id) } as never, languageOf(r));
        },
      }),
    ]);
  },
};
