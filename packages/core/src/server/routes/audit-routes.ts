import 'reflect-metadata';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { AuditService, type AuditQuery } from '../../services/audit-service.js';
import { defineRoute } from '../route.js';

const ACTIONS = ['login', 'login-failed', 'logout', 'create', 'update', 'delete', 'attach', 'detach', 'import', 'poll', 'report'];
const day = Joi.string().pattern(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** The audit log (F17): administrator only, read-only — no route changes or deletes an entry. */
export const auditRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-audit-routes',
  register(server, { container }) {
    const audit = container.resolve(AuditService);
    server.route(
      defineRoute({
        method: 'GET',
        path: '/api/audit',
        access: 'administrator',
        description: 'Audit log, newest first; filter by user, entity, action, dates',
        validate: {
          query: Joi.object({
            limit: Joi.number().integer().min(1).max(1000).default(50),
            offset: Joi.number().integer().min(0).default(0),
            userId: Joi.string().guid(),
            entity: Joi.string().max(100),
            entityId: Joi.string().max(100),
            action: Joi.string().valid(...ACTIONS),
            from: day,
            to: day,
          }),
        },
        handler: (request) => audit.list(request.query as unknown as AuditQuery),
      }),
    );
  },
};
