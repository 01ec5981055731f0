import type { Plugin } from '@hapi/hapi';
import type { Registries } from '../../loader/registries.js';
import { defineRoute } from '../route.js';

/** `GET /api/plugins`: what is loaded, and the web parts the shell mounts. */
export const pluginRoutes: Plugin<{ registries: Registries }> = {
  name: 'openamr-plugin-routes',
  register(server, { registries }) {
    server.route(
      defineRoute({
        method: 'GET',
        path: '/api/plugins',
        access: 'operator',
        description: 'Loaded plugins with their extensions and web parts',
        handler: () => ({
          items: registries.plugins.values().map((p) => ({
            id: p.id,
            name: p.name,
            version: p.version,
            deviceTypes: p.deviceTypes,
            readerDrivers: p.readerDrivers,
            reportGenerators: p.reportGenerators,
            commands: p.commands,
            webParts: p.webParts.map((w) => ({ ...w, url: `/plugins/${p.id}/${w.module}` })),
          })),
        }),
      }),
    );
  },
};
