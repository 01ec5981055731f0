import type { Server } from '@hapi/hapi';
import type { Schema } from 'joi';
import { createRequire } from 'node:module';
import { CORE_VERSION } from '../version.js';
import type { Access } from './route.js';

type JsonSchema = Record<string, any>;

// joi-to-json is CommonJS: its function is module.exports.
const parse = createRequire(import.meta.url)('joi-to-json') as (schema: Schema, mode: string) => unknown;

/** A joi schema as JSON Schema (OpenAPI flavour): route documentation, and the settings forms the web UI generates. */
export function schemaOf(joi: unknown): JsonSchema | undefined {
  if (!joi || typeof (joi as Schema).describe !== 'function') return undefined;
  try {
    return parse(joi as Schema, 'open-api') as JsonSchema;
  } catch {
    return { type: 'object' };
  }
}

function parameters(where: 'path' | 'query', joi: unknown, names: string[] = []): JsonSchema[] {
  const s = schemaOf(joi);
  const props: Record<string, JsonSchema> = s?.properties ?? {};
  const required: string[] = s?.required ?? [];
  const out = Object.entries(props).map(([name, schema]) => ({ name, in: where, required: where === 'path' || required.includes(name), schema }));
  // Path parameters without a schema are still parameters.
  for (const n of names) if (!props[n]) out.push({ name: n, in: where, required: true, schema: { type: 'string' } });
  return out;
}

/**
 * The OpenAPI 3.0 document of every route of the server, built from the route table: the
 * description, who may call it (public or a role), path and query parameters and the JSON
 * body from the route's joi schemas.
 */
export function openApiDocument(server: Server): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of server.table()) {
    const path = route.path.replace(/\{(\w+)\*?\d*\}/g, '{$1}');
    const access = (route.settings.app as { access?: Access } | undefined)?.access ?? 'public';
    const v = (route.settings.validate ?? {}) as { params?: unknown; query?: unknown; payload?: unknown };
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const body = schemaOf(v.payload);
    const op: JsonSchema = {
      summary: route.settings.description ?? `${route.method.toUpperCase()} ${route.path}`,
      tags: [route.path.split('/')[route.path.startsWith('/api/') ? 2 : 1] || 'web'],
      parameters: [...parameters('path', v.params, names), ...parameters('query', v.query)],
      ...(body && !['get', 'delete'].includes(route.method) ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: { default: { description: 'JSON; errors are {statusCode, error, message} in the user’s language' } },
      'x-access': access,
      ...(access === 'public' ? { security: [] } : {}),
    };
    (paths[path] ??= {})[route.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'OpenAMR API', version: CORE_VERSION, description: 'Every route of this OpenAMR node. Routes other than the public ones need the session cookie of POST /api/auth/login; x-access names the least role allowed.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
    security: [{ session: [] }],
    paths,
  };
}
