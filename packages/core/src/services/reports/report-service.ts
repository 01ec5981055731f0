import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DB, LOGGER, REGISTRIES } from '../../tokens.js';
import { InputError, NotFoundError } from '../../plugin-api/errors.js';
import { coreServices, type Logger } from '../../plugin-api/service-refs.js';
import type { Registries } from '../../loader/registries.js';
import { AuditService } from '../audit-service.js';
import { SettingsService } from '../settings-service.js';
import { Metrics } from '../metrics.js';
import type { Actor } from '../actor.js';
import { createReportDataSource } from '../report-data-source.js';
import { createServiceLookup } from '../service-lookup.js';
import { countOf } from '../list-sort.js';

export interface ReportRun {
  id: string;
  generatorId: string;
  buildingId: string | null;
  params: Record<string, unknown>;
  fileName: string;
  mediaType: string;
  explanation: unknown;
  warnings: string[];
  durationMs: number;
  createdBy: string | null;
  createdAt: Date;
}

const RUN_COLUMNS = ['r.id', 'r.generator_id', 'r.building_id', 'r.params', 'r.file_name', 'r.media_type', 'r.explanation', 'r.warnings', 'r.duration_ms', 'r.created_at', 'u.email as created_by_email'];

function toRun(r: Record<string, any>): ReportRun {
  return {
    id: r.id,
    generatorId: r.generator_id,
    buildingId: r.building_id,
    params: r.params,
    fileName: r.file_name,
    mediaType: r.media_type,
    explanation: r.explanation,
    warnings: r.warnings,
    durationMs: r.duration_ms,
    createdBy: r.created_by_email ?? null,
    createdAt: r.created_at,
  };
}

/** How long one report may take before it is aborted. */
const REPORT_TIMEOUT_MS = 5 * 60_000;

/**
 * The report framework (F20–F24, F30): validates params against the generator's schema,
 * runs it on the read-only data source, and archives the file with its params, explanation,
 * warnings, user and duration.
 */
@injectable()
export class ReportService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(REGISTRIES) private readonly registries: Registries,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SettingsService) private readonly settings: SettingsService,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  generators(lang: 'ru' | 'en') {
    return this.registries.reportGenerators.values().map((g) => ({
      id: g.id,
      label: g.label,
      labelText: g.label[lang],
      formats: g.formats,
      pluginId: this.registries.reportGenerators.ownerOf(g.id),
    }));
  }

  /**
   * «Предпросмотр»: the report generated and answered, not archived (nothing is written, so
   * nothing is audited); `id` is null.
   */
  async preview(actor: Actor, generatorId: string, rawParams: unknown): Promise<Omit<ReportRun, 'id'> & { id: null }> {
    const { params, output, durationMs } = await this.produce(actor, generatorId, rawParams);
    return {
      id: null,
      generatorId,
      buildingId: typeof params.buildingId === 'string' ? params.buildingId : null,
      params,
      fileName: output.fileName,
      mediaType: output.mediaType,
      explanation: output.explanation ?? null,
      warnings: output.warnings ?? [],
      durationMs,
      createdBy: actor.email,
      createdAt: new Date(),
    };
  }

  async generate(actor: Actor, generatorId: string, rawParams: unknown): Promise<ReportRun> {
    const { params, output, durationMs } = await this.produce(actor, generatorId, rawParams);
    const content = typeof output.content === 'string' ? Buffer.from(output.content, 'utf8') : output.content;
    return this.db.transaction(async (trx) => {
      const [row] = await trx('report_runs')
        .insert({
          generator_id: generatorId,
          building_id: typeof params.buildingId === 'string' ? params.buildingId : null,
          params: JSON.stringify(params),
          file_name: output.fileName,
          media_type: output.mediaType,
          file: content,
          explanation: output.explanation === undefined ? null : JSON.stringify(output.explanation),
          warnings: JSON.stringify(output.warnings ?? []),
          duration_ms: durationMs,
          created_by: actor.userId,
        })
        .returning(['id', 'generator_id', 'building_id', 'params', 'file_name', 'media_type', 'explanation', 'warnings', 'duration_ms', 'created_at']);
      await this.audit.record(trx, actor, { action: 'report', entity: 'report-run', entityId: row.id, after: { generatorId, params, fileName: output.fileName, durationMs } });
      return { ...toRun(row), createdBy: actor.email };
    });
  }

  /** Checks the params against the generator's schema and runs it. */
  private async produce(actor: Actor, generatorId: string, rawParams: unknown) {
    const gen = this.registries.reportGenerators.get(generatorId);
    if (!gen) throw new NotFoundError({ ru: `Нет отчета «${generatorId}»`, en: `No report "${generatorId}"` }, { field: 'generatorId' });
    const checked = gen.paramsSchema.validate(rawParams ?? {}, { abortEarly: true });
    if (checked.error) {
      const d = checked.error.details[0]!;
      throw new InputError(
        { ru: `Неверный параметр отчета: ${d.message}`, en: `Invalid report parameter: ${d.message}` },
        { field: d.path.join('.') },
      );
    }
    const params = checked.value as Record<string, any>;
    const started = Date.now();
    const signal = AbortSignal.timeout(REPORT_TIMEOUT_MS);
    const logger = this.logger.child({ report: generatorId });
    const output = await gen.generate(params as never, {
      data: createReportDataSource(this.db, { registries: this.registries, staleDays: await this.settings.staleDays() }),
      signal,
      logger,
      lang: actor.lang,
      services: createServiceLookup([
        [coreServices.logger, logger],
        [coreServices.clock, { now: () => new Date() }],
      ]),
    });
    const durationMs = Date.now() - started;
    this.metrics.reports.observe({ generator: generatorId }, durationMs / 1000);
    return { params, output, durationMs };
  }

  async list(q: { limit: number; offset: number; generatorId?: string; buildingId?: string }): Promise<{ items: ReportRun[]; total: number }> {
    const filter = (b: Knex.QueryBuilder) => {
      if (q.generatorId) b.where('r.generator_id', q.generatorId);
      if (q.buildingId) b.where('r.building_id', q.buildingId);
    };
    const total = await countOf(this.db('report_runs as r').modify(filter));
    const rows = await this.db('report_runs as r')
      .leftJoin('users as u', 'u.id', 'r.created_by')
      .modify(filter)
      .select(RUN_COLUMNS)
      .orderBy('r.created_at', 'desc')
      .limit(q.limit)
      .offset(q.offset);
    return { total, items: rows.map(toRun) };
  }

  async get(id: string): Promise<ReportRun> {
    const row = await this.db('report_runs as r').leftJoin('users as u', 'u.id', 'r.created_by').where('r.id', id).first(RUN_COLUMNS);
    if (!row) throw new NotFoundError({ ru: 'Отчет не найден в архиве', en: 'Report not found in the archive' }, { id });
    return toRun(row);
  }

  async file(id: string): Promise<{ fileName: string; mediaType: string; content: Buffer }> {
    const row = await this.db('report_runs').where({ id }).first('file_name', 'media_type', 'file');
    if (!row) throw new NotFoundError({ ru: 'Отчет не найден в архиве', en: 'Report not found in the archive' }, { id });
    return { fileName: row.file_name, mediaType: row.media_type, content: row.file };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const before = await this.get(id);
    await this.db.transaction(async (trx) => {
      await trx('report_runs').where({ id }).delete();
      await this.audit.record(trx, actor, { action: 'delete', entity: 'report-run', entityId: id, before });
    });
    this.logger.debug({ id }, 'report run deleted');
  }
}
