import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { DependencyContainer } from 'tsyringe';
import { ImportService } from '../../services/intake/import-service.js';
import { readingsCsvTemplate, readingsXlsxTemplate } from '../../services/intake/templates.js';
import { InputError } from '../../plugin-api/errors.js';
import { CONFIG } from '../../tokens.js';
import type { AppConfig } from '../../config/config.js';
import { actorOf, defineRoute } from '../route.js';
import { idParams, uuid } from '../schemas.js';
import { attachment } from './report-routes.js';

interface UploadPart {
  filename?: string;
  payload?: Buffer;
}

/** «Импорт показаний» (F18): upload → dry run → commit by id; templates to download. */
export const importRoutes: Plugin<{ container: DependencyContainer }> = {
  name: 'openamr-import-routes',
  register(server, { container }) {
    const imports = container.resolve(ImportService);
    const config = container.resolve<AppConfig>(CONFIG);
    server.route([
      defineRoute({
        method: 'POST',
        path: '/api/imports',
        access: 'manager',
        description: 'Upload a readings file (multipart: file, buildingId?, driverId?) and get its dry run',
        payload: {
          output: 'data',
          parse: true,
          multipart: { output: 'annotated' },
          maxBytes: config.settings.uploadLimitMb * 1024 * 1024,
          timeout: false,
        },
        validate: {
          payload: Joi.object({
            file: Joi.object({ filename: Joi.string().allow(''), headers: Joi.object(), payload: Joi.binary().required() }).unknown(true).required(),
            buildingId: uuid.allow('', null),
            driverId: Joi.string().max(200).allow('', null),
          }),
        },
        handler: async (r, h) => {
          const p = r.payload as { file: UploadPart; buildingId?: string; driverId?: string };
          if (!p.file?.payload) throw new InputError({ ru: 'Нет файла', en: 'No file' }, { field: 'file' });
          const summary = await imports.dryRun(actorOf(r), {
            fileName: p.file.filename || 'upload',
            content: p.file.payload,
            buildingId: p.buildingId || null,
            driverId: p.driverId || null,
          });
          return h.response(summary).code(201);
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/imports/{id}/commit',
        access: 'manager',
        description: 'Store a dry-run import: all or nothing, or the valid rows with skipBad',
        validate: { params: idParams, payload: Joi.object({ skipBad: Joi.boolean().default(false) }).allow(null) },
        handler: async (r) => imports.commit(actorOf(r), String(r.params.id), Boolean((r.payload as { skipBad?: boolean } | null)?.skipBad)),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/imports',
        access: 'operator',
        description: 'Readings imports, newest first',
        validate: { query: Joi.object({ limit: Joi.number().integer().min(1).max(1000).default(50), offset: Joi.number().integer().min(0).default(0), buildingId: uuid }) },
        handler: (r) => imports.list(r.query as never),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/imports/templates/{name}',
        access: 'operator',
        description: 'The readings file template: readings.csv or readings.xlsx',
        validate: { params: Joi.object({ name: Joi.string().valid('readings.csv', 'readings.xlsx').required() }) },
        handler: async (r, h) =>
          String(r.params.name) === 'readings.csv'
            ? attachment(h, { fileName: 'readings.csv', mediaType: 'text/csv; charset=utf-8', content: readingsCsvTemplate() })
            : attachment(h, { fileName: 'readings.xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: await readingsXlsxTemplate() }),
      }),
    ]);
  },
};
