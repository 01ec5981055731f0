import 'reflect-metadata';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { UserService } from '../../services/user-service.js';
import { ROLES } from '../../services/roles.js';
import { actorOf, defineRoute, listQuery } from '../route.js';

const id = Joi.object({ id: Joi.string().guid().required() });
const role = Joi.string().valid(...ROLES);
const password = Joi.string().min(8).max(200);

/** User management (F16): administrator only. Users are deactivated, never deleted (the audit log names them). */
export const userRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-user-routes',
  register(server, { container }) {
    const users = container.resolve(UserService);
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/users',
        access: 'administrator',
        description: 'List users',
        validate: { query: Joi.object(listQuery) },
        handler: (request) => users.list(request.query as { limit: number; offset: number; q?: string }),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/users',
        access: 'administrator',
        description: 'Create a user',
        validate: {
          payload: Joi.object({
            email: Joi.string().email({ tlds: false }).max(320).required(),
            password: password.required(),
            role: role.required(),
            name: Joi.string().max(200).allow(null, ''),
            lang: Joi.string().valid('ru', 'en'),
          }),
        },
        handler: async (request, h) => h.response(await users.create(actorOf(request), request.payload as never)).code(201),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/users/{id}',
        access: 'administrator',
        description: 'One user',
        validate: { params: id },
        handler: (request) => users.get(String(request.params.id)),
      }),
      defineRoute({
        method: 'PATCH',
        path: '/api/users/{id}',
        access: 'administrator',
        description: 'Change a user: role, active, name, language, or reset the password',
        validate: {
          params: id,
          payload: Joi.object({
            role,
            active: Joi.boolean(),
            name: Joi.string().max(200).allow(null, ''),
            lang: Joi.string().valid('ru', 'en'),
            password,
          }).min(1),
        },
        handler: (request) => users.update(actorOf(request), String(request.params.id), request.payload as never),
      }),
    ]);
  },
};
