import type { Server } from '@hapi/hapi';
import type { Schema } from 'joi';
import { createRequire } from 'node:module';
import { CORE_VERSION } from '../version.js';
import type { Registries } from '../loader/registries.js';
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

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, description: string): JsonSchema => ({ description, content: { 'application/json': { schema } } });
const uuid: JsonSchema = { type: 'string', format: 'uuid' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Shapes of answers the routes do not declare with a joi response schema, written here from the services that make them. */
const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['statusCode', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      error: { type: 'string' },
      message: { type: 'string', description: 'In the user’s language (session, else Accept-Language, else Russian)' },
      details: { type: 'object', properties: { field: { type: 'string', description: 'The refused field, for validation errors' } }, additionalProperties: true },
    },
  },
  ReportRun: {
    type: 'object',
    required: ['id', 'generatorId', 'params', 'fileName', 'mediaType', 'warnings', 'durationMs', 'createdAt'],
    properties: {
      id: uuid,
      generatorId: { type: 'string' },
      buildingId: { ...uuid, nullable: true },
      params: { type: 'object', description: 'The params as validated, defaults applied', additionalProperties: true },
      fileName: { type: 'string' },
      mediaType: { type: 'string' },
      explanation: { description: 'How the report was worked out (the generator’s own shape)', nullable: true },
      warnings: { type: 'array', items: { type: 'string' } },
      durationMs: { type: 'integer' },
      createdBy: { type: 'string', nullable: true, description: 'Email of the user who generated it' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  Plugin: {
    type: 'object',
    required: ['id', 'name', 'version', 'deviceTypes', 'readerDrivers', 'reportGenerators', 'webParts'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      deviceTypes: { type: 'array', items: { type: 'string' } },
      readerDrivers: { type: 'array', items: { type: 'string' } },
      reportGenerators: { type: 'array', items: { type: 'string' } },
      commands: { type: 'array', items: { type: 'string' } },
      webParts: {
        type: 'array',
        items: {
          type: 'object',
          properties: { tagName: { type: 'string' }, module: { type: 'string' }, url: { type: 'string' }, slot: { type: 'string', enum: ['driver-settings', 'report-form', 'report-preview'] }, for: { type: 'string' } },
        },
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'database', 'plugins'],
    properties: {
      status: { type: 'string', enum: ['ok', 'starting', 'error'] },
      database: { type: 'string', enum: ['ok', 'unreachable'] },
      plugins: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'string' } } } },
    },
  },
  Status: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok', 'unavailable'] } } },
};

/** Success answers by route, where the route table does not say (`METHOD path` as in the table). */
function knownResponses(key: string): Record<string, JsonSchema> | undefined {
  switch (key) {
    case 'get /metrics':
      return { '200': { description: 'Prometheus text exposition format', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } } };
    case 'get /health':
      return { '200': json(ref('Health'), 'Started and the database reachable'), '503': json(ref('Health'), 'Starting, or the database unreachable') };
    case 'get /health/ready':
      return { '200': json(ref('Status'), 'Ready for traffic'), '503': json(ref('Status'), 'Starting, stopping, or the database unreachable') };
    case 'get /health/live':
      return { '200': json(ref('Status'), 'The process answers') };
    case 'get /openapi.json':
      return { '200': json({ type: 'object' }, 'This document') };
    case 'get /documentation':
      return { '200': { description: 'Swagger UI', content: { 'text/html': { schema: { type: 'string' } } } } };
    case 'get /api/plugins':
      return { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('Plugin') } } }, 'The loaded plugins and what each registered') };
    case 'post /api/reports/{generatorId}':
      return {
        '201': {
          description: 'The archived run; with ?download=true the file itself (its run id in X-Report-Run-Id)',
          content: { 'application/json': { schema: ref('ReportRun') }, [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } } },
        },
        '200': json({ allOf: [ref('ReportRun')], description: 'With ?preview=true: the run as generated, not archived (`id` null)' }, 'A preview: nothing archived'),
      };
    case 'get /api/report-runs':
      return { '200': json({ type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: ref('ReportRun') }, total: { type: 'integer' } } }, 'The report archive') };
    case 'get /api/report-runs/{id}':
      return { '200': json(ref('ReportRun'), 'One archived run') };
    case 'get /api/report-runs/{id}/file':
      return { '200': { description: 'The archived file (RFC 6266 file name)', content: { [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: {} } } } };
    case 'post /api/concentrators/{id}/poll':
      return { '202': json({ type: 'object', required: ['runId'], properties: { runId: uuid } }, 'The poll started; follow GET /api/poll-runs/{runId}') };
    default:
      return undefined;
  }
}

/** Each report generator's params and each driver's settings, as components named after the extension id. */
function extensionSchemas(registries: Registries | undefined): { reports: string[]; drivers: string[]; schemas: Record<string, JsonSchema> } {
  const schemas: Record<string, JsonSchema> = {};
  const reports: string[] = [];
  const drivers: string[] = [];
  for (const gen of registries?.reportGenerators.values() ?? []) {
    schemas[`ReportParams.${gen.id}`] = { ...schemaOf(gen.paramsSchema), title: `${gen.label.en} (${gen.id})`, description: `Params of POST /api/reports/${gen.id}: ${gen.label.ru} / ${gen.label.en}` };
    reports.push(gen.id);
  }
  for (const driver of registries?.readerDrivers.values() ?? []) {
    schemas[`DriverSettings.${driver.id}`] = { ...schemaOf(driver.settingsSchema), title: `${driver.label.en} (${driver.id})`, description: `Settings of a concentrator read by ${driver.id}` };
    drivers.push(driver.id);
  }
  return { reports, drivers, schemas };
}

/** The body of POST /api/reports/{generatorId}: one of the generators' params. */
function reportBody(reports: string[]): JsonSchema {
  return { oneOf: reports.map((id) => ref(`ReportParams.${id}`)), description: `The params of the generator in the path: ${reports.map((id) => `ReportParams.${id}`).join(', ')}` };
}

/**
 * The concentrator bodies with `settings` typed by the driver: a create is one variant per
 * driver, told apart by `driverId`; an edit takes the settings of any driver (the stored one's).
 */
function concentratorBodies(op: JsonSchema, drivers: string[], schemas: Record<string, JsonSchema>, create: boolean): void {
  const body = op.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined;
  if (!body?.properties?.settings || drivers.length === 0) return;
  const anySettings = { oneOf: drivers.map((id) => ref(`DriverSettings.${id}`)), description: 'The settings of the concentrator’s driver (GET /api/concentrator-types gives each driver’s schema too)' };
  if (!create) {
    body.properties.settings = anySettings;
    return;
  }
  const mapping: Record<string, string> = {};
  for (const id of drivers) {
    const name = `ConcentratorCreate.${id}`;
    schemas[name] = { ...body, properties: { ...body.properties, driverId: { type: 'string', enum: [id] }, settings: ref(`DriverSettings.${id}`) } };
    mapping[id] = `#/components/schemas/${name}`;
  }
  op.requestBody.content['application/json'].schema = { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'driverId', mapping } };
}

/**
 * The OpenAPI 3.0 document of every route of the server, built from the route table: the
 * description, who may call it (public or a role), path and query parameters and the JSON
 * body from the route's joi schemas, answers from the route's response schema or the shapes
 * above; the loaded plugins' report params and driver settings as components.
 */
export function openApiDocument(server: Server, registries?: Registries): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const { reports, drivers, schemas } = extensionSchemas(registries);
  for (const route of server.table()) {
    const path = route.path.replace(/\{(\w+)\*?\d*\}/g, '{$1}');
    const access = (route.settings.app as { access?: Access } | undefined)?.access ?? 'public';
    const v = (route.settings.validate ?? {}) as { params?: unknown; query?: unknown; payload?: unknown };
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const key = `${route.method} ${path}`;
    const body = key === 'post /api/reports/{generatorId}' && reports.length ? reportBody(reports) : schemaOf(v.payload);
    const declared = schemaOf((route.settings.response as { schema?: unknown } | undefined)?.schema);
    const success = knownResponses(key) ?? (declared ? { '200': json(declared, 'OK') } : route.method === 'delete' ? { '204': { description: 'Deleted' } } : { '200': { description: 'JSON' } });
    const op: JsonSchema = {
      summary: route.settings.description ?? `${route.method.toUpperCase()} ${route.path}`,
      tags: [route.path.split('/')[route.path.startsWith('/api/') ? 2 : 1] || 'web'],
      parameters: [...parameters('path', v.params, names), ...parameters('query', v.query)],
      ...(body && !['get', 'delete'].includes(route.method) ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: { ...success, default: json(ref('Error'), 'An error, {statusCode, error, message} in the user’s language') },
      'x-access': access,
      ...(access === 'public' ? { security: [] } : {}),
    };
    if (key === 'post /api/reports/{generatorId}' && reports.length) {
      const param = op.parameters.find((p: JsonSchema) => p.name === 'generatorId');
      if (param) param.schema = { type: 'string', enum: reports };
    }
    if (key === 'post /api/concentrators') concentratorBodies(op, drivers, schemas, true);
    if (['patch /api/concentrators/{id}', 'put /api/concentrators/{id}'].includes(key)) concentratorBodies(op, drivers, schemas, false);
    (paths[path] ??= {})[route.method] = op;
  }
  // One entry per report as well, so that Swagger UI shows each report's own form.
  const generic = paths['/api/reports/{generatorId}']?.post;
  for (const id of generic ? reports : []) {
    paths[`/api/reports/${id}`] = {
      post: {
        ...generic,
        summary: `${generic!.summary}: ${id}`,
        parameters: generic!.parameters.filter((p: JsonSchema) => p.name !== 'generatorId'),
        requestBody: { required: true, content: { 'application/json': { schema: ref(`ReportParams.${id}`) } } },
        'x-report': id,
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'OpenAMR API', version: CORE_VERSION, description: 'Every route of this OpenAMR node. Routes other than the public ones need the session cookie of POST /api/auth/login; x-access names the least role allowed.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'openamr_sid' } }, schemas: { ...SCHEMAS, ...schemas } },
    security: [{ session: [] }],
    paths,
  };
}
