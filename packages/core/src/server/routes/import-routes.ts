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
import { walkByFile } from '../../services/intake/walk-by-file.js';
import { importRadiatorCatalogue } from '../../services/intake/radiator-catalogue.js';
import { legacyTemplate } from '../../services/intake/legacy-import.js';
import { BuildingService } from '../../services/registry/building-service.js';
import { SettingsService } from '../../services/settings-service.js';
import { AuditService } from '../../services/audit-service.js';
import { DB, REGISTRIES } from '../../tokens.js';
import type { Registries } from '../../loader/registries.js';

/** The bytes of an uploaded part: hapi gives an empty file as an empty string (or object). */
function uploadedBytes(payload: unknown): Buffer {
  if (Buffer.isBuffer(payload)) return payload;
  return typeof payload === 'string' ? Buffer.from(payload, 'binary') : Buffer.alloc(0);
}

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
    const buildings = container.resolve(BuildingService);
    const settings = container.resolve(SettingsService);
    const audit = container.resolve(AuditService);
    const db = container.resolve(DB);
    const registries = container.resolve<Registries>(REGISTRIES);
    const uploadPayload = {
      output: 'data' as const,
      parse: true,
      multipart: { output: 'annotated' as const },
      maxBytes: config.settings.uploadLimitMb * 1024 * 1024,
      timeout: false as const,
    };
    server.route([
      defineRoute({
        method: 'POST',
        path: '/api/imports',
        access: 'manager',
        description: 'Upload a readings file (multipart: file, buildingId?, driverId?) and get its dry run',
        payload: uploadPayload,
        validate: {
          payload: Joi.object({
            file: Joi.object({ filename: Joi.string().allow(''), headers: Joi.object(), payload: Joi.any().required() }).unknown(true).required(),
            buildingId: uuid.allow('', null),
            driverId: Joi.string().max(200).allow('', null),
          }),
        },
        handler: async (r, h) => {
          const p = r.payload as { file: UploadPart; buildingId?: string; driverId?: string };
          const summary = await imports.dryRun(actorOf(r), {
            fileName: p.file.filename || 'upload',
            content: uploadedBytes(p.file.payload),
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
        method: 'POST',
        path: '/api/legacy-imports',
        access: 'manager',
        description: '«Загрузка старой базы» (F25): upload the legacy workbook and get the dry-run diff',
        payload: uploadPayload,
        validate: { payload: Joi.object({ file: Joi.object({ payload: Joi.binary().required() }).unknown(true).required() }) },
        handler: async (r, h) => {
          const p = r.payload as { file: UploadPart };
          return h.response(await imports.legacy(actorOf(r), { fileName: p.file.filename || 'legacy.xlsx', content: p.file.payload! }, true)).code(201);
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/legacy-imports/{id}/commit',
        access: 'manager',
        description: 'Apply a dry-run legacy import in one transaction',
        validate: { params: idParams },
        handler: (r) => imports.commitLegacy(actorOf(r), String(r.params.id)),
      }),
      defineRoute({
        method: 'GET',
        path: '/api/buildings/{id}/walk-by',
        access: 'operator',
        description: "«Сгенерировать файл для РМ»: the walk-by task file (the filled file is a readings import)",
        validate: { params: idParams, query: Joi.object({ format: Joi.string().valid('csv', 'xlsx').default('xlsx') }) },
        handler: async (r, h) => {
          const b = await buildings.get(String(r.params.id));
          const format = (r.query as { format: 'csv' | 'xlsx' }).format;
          const content = await walkByFile(db, registries, b.id, format, await settings.staleDays());
          const mediaType = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
          return attachment(h, { fileName: `Обход ${b.name.replace(/[\\/:*?"<>|]+/g, '-')}.${format}`, mediaType, content });
        },
      }),
      defineRoute({
        method: 'POST',
        path: '/api/radiators/import',
        access: 'manager',
        description: 'Import the radiator catalogue (CSV or xlsx; a model already there is updated); ?dryRun=true only checks',
        payload: uploadPayload,
        validate: {
          query: Joi.object({ dryRun: Joi.boolean().default(false) }),
          payload: Joi.object({ file: Joi.object({ payload: Joi.binary().required() }).unknown(true).required() }),
        },
        handler: async (r, h) => {
          const p = r.payload as { file: UploadPart };
          const summary = await importRadiatorCatalogue(db, audit, actorOf(r), p.file.filename || 'radiators', p.file.payload!, (r.query as { dryRun: boolean }).dryRun);
          if (summary.errors.length) {
            throw new InputError(
              { ru: `Строк с ошибками: ${summary.errors.length}; справочник не изменен. ${summary.errors[0]!.message}`, en: `${summary.errors.length} rows have errors; the catalogue is unchanged. ${summary.errors[0]!.message}` },
              { errors: summary.errors },
            );
          }
          return h.response(summary);
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/api/imports/templates/{name}',
        access: 'operator',
        description: 'File templates: readings.csv, readings.xlsx, legacy.xlsx',
        validate: { params: Joi.object({ name: Joi.string().valid('readings.csv', 'readings.xlsx', 'legacy.xlsx').required() }) },
        handler: async (r, h) => {
          const name = String(r.params.name);
          const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
          if (name === 'readings.csv') return attachment(h, { fileName: name, mediaType: 'text/csv; charset=utf-8', content: readingsCsvTemplate() });
          return attachment(h, { fileName: name, mediaType: xlsx, content: name === 'legacy.xlsx' ? await legacyTemplate() : await readingsXlsxTemplate() });
        },
      }),
    ]);
  },
};
