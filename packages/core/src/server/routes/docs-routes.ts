import type { Plugin } from '@hapi/hapi';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { createRequire } from 'node:module';
import type { DependencyContainer } from 'tsyringe';
import { defineRoute } from '../route.js';
import { openApiDocument } from '../openapi.js';
import { Metrics } from '../../services/metrics.js';
import { REGISTRIES } from '../../tokens.js';

const require = createRequire(import.meta.url);
const SWAGGER_UI = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.map': 'application/json' };
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png']);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenAMR API</title>
<link rel="stylesheet" href="/documentation/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/documentation/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script>
</body></html>`;

/** `/openapi.json` (every route), `/documentation` (Swagger UI over it), `/metrics` (Prometheus text). */
export const docsRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-docs-routes',
  register(server, { container }) {
    const metrics = container.resolve(Metrics);
    let document: unknown;
    server.route([
      defineRoute({
        method: 'GET',
        path: '/openapi.json',
        access: 'public',
        description: 'The OpenAPI 3 document of every route of this node',
        handler: () => (document ??= openApiDocument(server, container.resolve(REGISTRIES))),
      }),
      defineRoute({
        method: 'GET',
        path: '/documentation',
        access: 'public',
        description: 'The API documentation (Swagger UI over /openapi.json)',
        handler: (_r, h) => h.response(PAGE).type('text/html; charset=utf-8'),
      }),
      defineRoute({
        method: 'GET',
        path: '/documentation/{file}',
        access: 'public',
        description: 'Swagger UI assets',
        handler: async (r, h) => {
          const file = String(r.params.file);
          if (!ASSETS.has(file)) return h.response({ statusCode: 404, error: 'Not Found', message: 'Not Found' }).code(404);
          const body = await readFile(normalize(join(SWAGGER_UI, file)));
          return h.response(body).type(TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream').header('cache-control', 'public, max-age=86400');
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/metrics',
        access: 'public',
        description: 'Prometheus metrics of this node',
        handler: async (_r, h) => h.response(await metrics.registry.metrics()).type(metrics.registry.contentType),
      }),
    ]);
  },
};
