import type { Plugin, ResponseToolkit } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { ReportService } from '../../services/reports/report-service.js';
import { actorOf, defineRoute, languageOf } from '../route.js';
import { idParams, uuid } from '../schemas.js';

/** `Content-Disposition` with the UTF-8 name (RFC 6266) and an ASCII fallback. */
export function attachment(h: ResponseToolkit, file: { fileName: string; mediaType: string; content: Buffer }) {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return h
    .response(file.content)
    .type(file.mediaType)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
}

/** Reports (F20–F24) and the report archive (F30). Any role may generate and download. */
export const reportRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-report-routes',
  register(server, { container }) {
    const reports = container.resolve(ReportService);
    server.route([
      defineRoute({
        method: 'GET',
        path: '/api/reports',
        access: 'operator',
        description: 'The report generators the loaded plugins offer',
        handler: (r) => ({ items: reports.generators(languageOf(r)) }),
      }),
      defineRoute({
        method: 'POST',
        path: '/api/reports/{generatorId}',
        access: 'operator',
        description: 'Generate a report and archive it; ?download=true answers the file itself; ?preview=true answers the run (explanation, warnings) without archiving it (id null)',
        validate: {
          params: Joi.object({ generatorId: Joi.string().max(200).required() }),
          query: Joi.object({ download: Joi.boolean().default(false), preview: Joi.boolean().default(false) }),
          payload: Joi.object().unknown(true).allow(null),
        },
        payload: { maxBytes: 256 * 1024 },
        handler: async (r, h) => {
          if ((r.query as { preview: boolean }).preview) return reports.preview(actorOf(r), String(r.params.generatorId), r.payload);
          const run = await reports.generate(actorOf(r), String(r.params.generatorId), r.payload);
          if ((r.query as { download: boolean }).download) return attachment(h, await reports.file(run.id)).header('x-report-run-id', run.id).code(201);
          return h.response(run).code(201);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/report-runs',
        access: 'operator',
        description: 'The report archive: who generated what, when, with which params (F30)',
        validate: {
          query: Joi.object({
            limit: Joi.number().integer().min(1).max(1000).default(50),
            offset: Joi.number().integer().min(0).default(0),
            generatorId: Joi.string().max(200),
            buildingId: uuid,
          }),
        },
        handler: (r) => reports.list(r.query as never),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/report-runs/{id}',
        access: 'operator',
        description: 'One archived report run',
        validate: { params: idParams },
        handler: (r) => reports.get(String(r.params.id)),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/report-runs/{id}/file',
        access: 'operator',
        description: 'Download an archived report again',
        validate: { params: idParams },
        handler: async (r, h) => attachment(h, await reports.file(String(r.params.id))),
      }),
      defineRoute({
        method: 'DELETE',
        path: '/api/report-runs/{id}',
        access: 'manager',
        description: 'Delete an archived report',
        validate: { params: idParams },
        handler: async (r, h) => {
          await reports.delete(actorOf(r), String(r.params.id));
          return h.response().code(204);
        },
      }),
    ]);
  },
};
