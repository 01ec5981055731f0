import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { MeterService } from '../../services/registry/meter-service.js';
import { ReadingsService } from '../../services/readings/readings-service.js';
import { ensureReadingPartitions } from '../../services/readings/reading-partitions.js';
import { DB } from '../../tokens.js';
import { actorOf, defineRoute, languageOf, listQuery } from '../route.js';
import { day, decimal, idParams, uuid } from '../schemas.js';

const meterFields = {
  serial: Joi.string().trim().min(1).max(64),
  deviceTypeId: Joi.string().max(200),
  premiseId: uuid.allow(null),
  installedOn: day.allow(null),
  decommissionedOn: day.allow(null),
  radiatorId: uuid.allow(null),
  waterMedium: Joi.string().valid('hot', 'cold').allow(null),
  address: Joi.string().trim().max(100).allow('', null),
  notes: Joi.string().max(5000).allow('', null),
};

const readingParams = Joi.object({ id: uuid.required(), readingId: uuid.required() });
const errorCode = Joi.string().trim().max(50).allow('', null);
const unit = Joi.string().max(20).allow(null);

/** Meters (F10–F12, F19) and their readings (F12, F18). */
export const meterRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-meter-routes',
  register(server, { container }) {
    const meters = container.resolve(MeterService);
    const readings = container.resolve(ReadingsService);
    const db = container.resolve(DB);
    const update = {
      access: 'manager' as const,
      description: 'Edit a meter: dates, serial, type, radiator (correction), hot/cold',
      validate: { params: idParams, payload: Joi.object({ ...meterFields, premiseId: Joi.forbidden() }).min(1) },
      handler: (r: any) => meters.update(actorOf(r), String(r.params.id), r.payload, languageOf(r)),
    };
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/meters',
        access: 'operator',
        description: 'Meters with state; ?free=true unattached, ?q= serial prefix, ?premiseId=, ?buildingId=',
        validate: { query: Joi.object({ ...listQuery, free: Joi.boolean(), premiseId: uuid, buildingId: uuid }) },
        handler: (r) => meters.list(r.query as never, languageOf(r)),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/meters',
        access: 'manager',
        description: 'Create a meter, free unless premiseId is given (F11)',
        validate: { payload: Joi.object({ ...meterFields, serial: meterFields.serial.required(), deviceTypeId: meterFields.deviceTypeId.required() }) },
        handler: async (r, h) => h.response(await meters.create(actorOf(r), r.payload as never, languageOf(r))).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/meters/{id}',
        access: 'operator',
        description: 'The meter card (F12): state, last reading, error, radiator',
        validate: { params: idParams },
        handler: (r) => meters.view(String(r.params.id), languageOf(r)),
      }),
      defineRoute({ method: 'PATCH', path: '/api/meters/{id}', ...update }),
      defineRoute({ method: 'PUT', path: '/api/meters/{id}', ...update }),
      defineRoute({
        method: 'DELETE',
        path: '/api/meters/{id}',
        access: 'manager',
        description: 'Delete a meter without readings (one with readings is decommissioned instead)',
        validate: { params: idParams },
        handler: async (r, h) => {
          await meters.delete(actorOf(r), String(r.params.id));
          return h.response().code(204);
        },
      }),
      defineRoute({
        method: 'PUT',
        path: '/api/meters/{id}/premise',
        access: 'manager',
        description: 'Attach the meter to a premise, or detach it with premiseId null (F11)',
        validate: { params: idParams, payload: Joi.object({ premiseId: uuid.allow(null).required() }) },
        handler: (r) => meters.setPremise(actorOf(r), String(r.params.id), (r.payload as { premiseId: string | null }).premiseId, languageOf(r)),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/meters/{id}/replace',
        access: 'manager',
        description: 'Replace a meter (F19): decommission it on date and install a new one in the same premise',
        validate: {
          params: idParams,
          payload: Joi.object({
            date: day.required(),
            finalValue: decimal({ min: 0 }),
            newMeter: Joi.object({
              serial: meterFields.serial.required(),
              deviceTypeId: meterFields.deviceTypeId,
              radiatorId: uuid.allow(null),
              initialValue: decimal({ min: 0 }),
              address: meterFields.address,
            }).required(),
          }),
        },
        handler: async (r, h) => {
          const actor = actorOf(r);
          const input = r.payload as { date: string };
          await ensureReadingPartitions(db, [input.date]);
          const result = await meters.replace(actor, String(r.params.id), r.payload as never, languageOf(r), async (trx, meterId, date, value) => {
            await readings.addManual(actor, meterId, { date, value }, trx);
          });
          return h.response(result).code(201);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/meters/{id}/radiators',
        access: 'operator',
        description: "The meter's radiator history (F19)",
        validate: { params: idParams },
        handler: async (r) => ({ items: await meters.radiators(String(r.params.id)) }),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/meters/{id}/radiators',
        access: 'manager',
        description: 'Change the radiator from a date; the old one stays in force before it (F19)',
        validate: { params: idParams, payload: Joi.object({ radiatorId: uuid.required(), from: day.required() }) },
        handler: async (r, h) => {
          const p = r.payload as { radiatorId: string; from: string };
          return h.response({ items: await meters.changeRadiator(actorOf(r), String(r.params.id), p.radiatorId, p.from) }).code(201);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/meters/{id}/readings',
        access: 'operator',
        description: 'Readings of the meter, newest first, with source, user and the frame a driver decoded each from (`raw`, hex; null when none was kept)',
        validate: { params: idParams, query: Joi.object({ limit: listQuery.limit, offset: listQuery.offset, from: day, to: day }) },
        handler: (r) => readings.list(String(r.params.id), r.query as never),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/meters/{id}/readings',
        access: 'manager',
        description: 'Add a reading by hand: stored for 00:00 of the date in the building time zone (F18)',
        validate: { params: idParams, payload: Joi.object({ date: day.required(), value: decimal({ min: 0 }).required(), unit, errorCode }) },
        handler: async (r, h) => h.response(await readings.addManual(actorOf(r), String(r.params.id), r.payload as never)).code(201),
      }),
      defineRoute({
        method: 'PATCH',
        path: '/api/meters/{id}/readings/{readingId}',
        access: 'manager',
        description: 'Correct a reading (value, unit, error code)',
        validate: { params: readingParams, payload: Joi.object({ value: decimal({ min: 0 }), unit, errorCode }).min(1) },
        handler: (r) => readings.update(actorOf(r), String(r.params.id), String(r.params.readingId), r.payload as never),
      }),
      defineRoute({
        method: 'DELETE',
        path: '/api/meters/{id}/readings/{readingId}',
        access: 'manager',
        description: 'Delete a reading',
        validate: { params: readingParams },
        handler: async (r, h) => {
          await readings.delete(actorOf(r), String(r.params.id), String(r.params.readingId));
          return h.response().code(204);
        },
      }),
    ]);
  },
};
