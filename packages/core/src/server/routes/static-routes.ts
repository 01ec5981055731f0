import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import Inert from '@hapi/inert';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { Registries } from '../../loader/registries.js';
import { defineRoute } from '../route.js';

/** The built web shell (`packages/web/dist`), when the web package is installed and built. */
export function webDistDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@openamr/web/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

const PLACEHOLDER = `<!doctype html><html lang="ru"><meta charset="utf-8"><title>OpenAMR</title>
<body style="font-family:sans-serif;margin:3rem"><h1>OpenAMR</h1>
<p>Веб-интерфейс не собран: выполните <code>npm run build</code>.</p>
<p>The web interface is not built: run <code>npm run build</code>.</p></body></html>`;

/**
 * The web shell's assets, the plugins' web assets (`/plugins/<id>/…`), and the shell's
 * index.html for every other GET outside `/api`, so deep links to cards work.
 */
export const staticRoutes: Plugin<{ registries: Registries }> = {
  name: 'openamr-static-routes',
  async register(server, { registries }) {
    await server.register(Inert);
    const dist = webDistDir();

    const servePluginAsset = (request: Request, h: ResponseToolkit) => {
      const plugin = registries.plugins.get(String(request.params.pluginId));
      if (!plugin?.webAssetsDir) return h.response({ statusCode: 404, error: 'Not Found', message: 'Not found' }).code(404);
      return h.file(String(request.params.path), { confine: plugin.webAssetsDir });
    };
    const serveShell = (request: Request, h: ResponseToolkit) => {
      const path = String(request.params.path ?? '');
      if (path === 'api' || path.startsWith('api/')) {
        return h.response({ statusCode: 404, error: 'Not Found', message: 'Not found' }).code(404);
      }
      if (!dist) return h.response(PLACEHOLDER).type('text/html; charset=utf-8');
      if (path && existsSync(join(dist, path)) && !path.endsWith('/')) return h.file(path, { confine: dist });
      return h.file('index.html', { confine: dist }).header('cache-control', 'no-cache');
    };

    server.route([
      defineRoute({ method: 'GET', path: '/plugins/{pluginId}/{path*}', access: 'public', description: 'Plugin web assets', handler: servePluginAsset }),
      defineRoute({ method: 'GET', path: '/{path*}', access: 'public', description: 'The web shell', handler: serveShell }),
    ]);
  },
};
