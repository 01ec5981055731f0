import type { Plugin } from '@hapi/hapi';
import type { Knex } from 'knex';
import { defineRoute } from '../route.js';
import type { Registries } from '../../loader/registries.js';

export interface HealthState {
  /** True once migrations ran, the administrator exists and the demo is loaded when asked. */
  started: boolean;
  stopping: boolean;
}

async function databaseReachable(db: Knex): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/** `/health` (start-up complete and database reachable), `/health/live`, `/health/ready`. */
export const healthRoutes: Plugin<{ db: Knex; registries: Registries; state: HealthState }> = {
  name: 'openamr-health',
  register(server, { db, registries, state }) {
    server.route([
      defineRoute({
        method: 'GET',
        path: '/health',
        access: 'public',
        description: 'Overall health: start-up complete, database reachable, plugins loaded',
        handler: async (_req, h) => {
          const database = (await databaseReachable(db)) ? 'ok' : 'unreachable';
          const status = !state.started ? 'starting' : database === 'ok' ? 'ok' : 'error';
          const plugins = registries.plugins.values().map((p) => ({ id: p.id, version: p.version }));
          return h.response({ status, database, plugins }).code(status === 'ok' ? 200 : 503);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/health/live',
        access: 'public',
        description: 'Liveness: the process answers',
        handler: () => ({ status: 'ok' }),
      }),
      defineRoute({
        method: 'GET',
        path: '/health/ready',
        access: 'public',
        description: 'Readiness: started, not stopping, database reachable',
        handler: async (_req, h) => {
          const ready = state.started && !state.stopping && (await databaseReachable(db));
          return h.response({ status: ready ? 'ok' : 'unavailable' }).code(ready ? 200 : 503);
        },
      }),
    ]);
  },
};
