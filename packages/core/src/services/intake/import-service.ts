import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { DATABASE, DB, LOGGER, REGISTRIES } from '../../tokens.js';
import type { Database } from '../../db/database.js';
import { bulkStoreReadings, copyChunks } from '../readings/bulk-store.js';
import { csvCopyChunks } from './csv-copy-chunks.js';
import { Metrics } from '../metrics.js';
import { ConflictError, InputError, NotFoundError } from '../../plugin-api/errors.js';
import { coreServices, type Logger } from '../../plugin-api/service-refs.js';
import type { ReadBatch, ReadProblem } from '../../plugin-api/reader-driver.js';
import type { Registries } from '../../loader/registries.js';
import { AuditService } from '../audit-service.js';
import type { Actor } from '../actor.js';
import { createServiceLookup } from '../service-lookup.js';
import { ensureReadingPartitions } from '../readings/reading-partitions.js';
import { candidateDays, describeStore, storeReadings, type StoreResult } from '../readings/store-readings.js';
import { parseReadingsFile } from './readings-csv.js';
import { csvBatches, type ByteSource } from './readings-stream.js';
import { pageOf } from '../list-sort.js';
import { applyLegacyWorkbook, legacyReadingDays, type LegacySummary } from './legacy-import.js';

export interface UploadedReadings {
  fileName: string;
  content: Buffer;
  buildingId?: string | null;
  /** Parse with this reader driver's `importFile` (a concentrator's own export). */
  driverId?: string | null;
}

export interface ImportSummary {
  id: string | null;
  fileName: string;
  format: string;
  status: 'dry-run' | 'committed' | 'refused';
  /** Readings read from the file (valid rows). */
  readings: number;
  /** New readings (stored, or that would be stored by a dry run). */
  new: number;
  /** Readings already there: nothing stored for them. */
  existing: number;
  /** Rows refused, with file, line, column and reason. */
  errors: ReadProblem[];
  /** «N новых, M уже были». */
  message: string;
  /** All problems, when `errors` lists only the first thousand. */
  errorCount?: number;
}

const DRY_RUN = Symbol('dry-run');

/**
 * Readings import (F18, B5): a file is parsed (format from its content), dry-run (what would
 * be stored, what is already there, errors with line and column), then committed by id in one
 * transaction — all or nothing unless the operator asks to skip the bad rows. Re-importing
 * the same file stores nothing new.
 */
@injectable()
export class ImportService {
  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(REGISTRIES) private readonly registries: Registries,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(DATABASE) private readonly database: Database,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** Counts a committed import's rows in the metrics. */
  private counted<T>(committed: boolean, r: { stored: number; duplicates: number }, problems: number, out: T): T {
    if (committed) {
      this.metrics.importRows.inc({ result: 'stored' }, r.stored);
      this.metrics.importRows.inc({ result: 'existing' }, r.duplicates);
      this.metrics.importRows.inc({ result: 'refused' }, problems);
      this.metrics.readings.inc({ source: 'file' }, r.stored);
    }
    return out;
  }

  async parse(upload: UploadedReadings): Promise<{ format: string; batches: ReadBatch[] }> {
    const { fileName: file, content } = upload;
    if (upload.driverId) {
      const driver = this.registries.readerDrivers.get(upload.driverId);
      if (!driver) throw new InputError({ ru: `Нет драйвера «${upload.driverId}»`, en: `No reader driver "${upload.driverId}"` }, { field: 'driverId' });
      if (!driver.importFile) {
        throw new InputError({ ru: `Драйвер «${driver.id}» не читает файлы`, en: `Driver "${driver.id}" does not read files` }, { field: 'driverId' });
      }
      const logger = this.logger.child({ driver: driver.id });
      const batches = await driver.importFile({ name: file, content }, {
        signal: AbortSignal.timeout(10 * 60_000),
        logger,
        services: createServiceLookup([
          [coreServices.logger, logger],
          [coreServices.clock, { now: () => new Date() }],
        ]),
        knownMeters: async () => [],
      });
      return { format: driver.id, batches };
    }
    const { format, batch } = await parseReadingsFile(file, content);
    return { format, batches: [batch] };
  }

  /**
   * Stores the batches in one transaction (or only counts, for a dry run). With problems and
   * without `skipBad` nothing is stored.
   */
  async store(actor: Actor, batches: ReadBatch[], opts: { buildingId?: string | null; importId?: string | null; dryRun: boolean; skipBad: boolean }): Promise<StoreResult & { committed: boolean }> {
    await ensureReadingPartitions(this.db, candidateDays(batches));
    let result: StoreResult | undefined;
    let committed = false;
    try {
      await this.db.transaction(async (trx) => {
        result = await storeReadings(trx, this.registries, batches, {
          source: 'file',
          importId: opts.importId ?? null,
          createdBy: actor.userId,
          buildingId: opts.buildingId ?? null,
        });
        if (opts.dryRun || (result.problems.length && !opts.skipBad)) throw DRY_RUN;
        committed = true;
      });
    } catch (err) {
      if (err !== DRY_RUN) throw err;
    }
    return { ...result!, committed };
  }

  private summary(id: string | null, fileName: string, format: string, r: StoreResult, status: ImportSummary['status']): ImportSummary {
    return { id, fileName, format, status, readings: r.readings, new: r.stored, existing: r.duplicates, errors: r.problems, message: describeStore(r) };
  }

  /** Parses and dry-runs an upload, and keeps it for the commit. */
  async dryRun(actor: Actor, upload: UploadedReadings): Promise<ImportSummary> {
    const { format, batches } = await this.parse(upload);
    const r = await this.store(actor, batches, { buildingId: upload.buildingId, dryRun: true, skipBad: false });
    const [row] = await this.db('imports')
      .insert({
        kind: 'readings',
        building_id: upload.buildingId ?? null,
        file_name: upload.fileName,
        format,
        content: upload.content,
        status: 'dry-run',
        summary: JSON.stringify({ driverId: upload.driverId ?? null, readings: r.readings, new: r.stored, existing: r.duplicates, errors: r.problems.length }),
        created_by: actor.userId,
      })
      .returning('id');
    return this.summary(row.id, upload.fileName, format, r, 'dry-run');
  }

  /** Stores a dry-run import: all or nothing, unless `skipBad` stores the valid rows. */
  async commit(actor: Actor, id: string, skipBad: boolean): Promise<ImportSummary> {
    const row = await this.db('imports').where({ id, kind: 'readings' }).first();
    if (!row) throw new NotFoundError({ ru: 'Импорт не найден', en: 'Import not found' }, { id });
    if (row.status === 'committed') {
      throw new ConflictError({ ru: `Импорт «${row.file_name}» уже загружен`, en: `Import "${row.file_name}" is already committed` });
    }
    const { format, batches } = await this.parse({ fileName: row.file_name, content: row.content, buildingId: row.building_id, driverId: row.summary?.driverId });
    const r = await this.store(actor, batches, { buildingId: row.building_id, importId: id, dryRun: false, skipBad });
    if (!r.committed) return this.summary(id, row.file_name, format, r, 'refused');
    await this.db.transaction(async (trx) => {
      await trx('imports')
        .where({ id })
        .update({ status: 'committed', committed_at: trx.fn.now(), content: null, summary: JSON.stringify({ ...row.summary, new: r.stored, existing: r.duplicates, errors: r.problems.length, skipBad }) });
      await this.audit.record(trx, actor, { action: 'import', entity: 'import', entityId: id, after: { fileName: row.file_name, buildingId: row.building_id, new: r.stored, existing: r.duplicates, skipped: r.problems.length } });
    });
    return this.counted(true, r, r.problems.length, this.summary(id, row.file_name, format, r, 'committed'));
  }

  /**
   * A large CSV streamed from disk: batches of 10,000 readings stored in one transaction (all or
   * nothing unless skipBad), memory bounded whatever the file size. A first pass over the file
   * finds the months, so their partitions exist before the transaction starts.
   */
  async importStream(
    actor: Actor,
    upload: { fileName: string; open: ByteSource; path?: string; buildingId?: string | null },
    opts: { dryRun: boolean; skipBad: boolean; onProgress?: (phase: 'scan' | 'store', bytes: number) => void; onProblem?: (p: ReadProblem) => void },
  ): Promise<ImportSummary> {
    if (this.database.kind === 'postgres') return this.importBulk(actor, upload, opts);
    const months = new Set<string>();
    for await (const b of csvBatches(upload.open, upload.fileName, 10_000, (n) => opts.onProgress?.('scan', n))) {
      for (const d of candidateDays([b])) months.add(`${d.slice(0, 7)}-01`);
    }
    await ensureReadingPartitions(this.db, months);
    const total: StoreResult = { readings: 0, stored: 0, duplicates: 0, problems: [] };
    let problemCount = 0;
    let committed = false;
    try {
      await this.db.transaction(async (trx) => {
        for await (const batch of csvBatches(upload.open, upload.fileName, 10_000, (n) => opts.onProgress?.('store', n))) {
          const r = await storeReadings(trx, this.registries, [batch], { source: 'file', createdBy: actor.userId, buildingId: upload.buildingId ?? null, onProblem: opts.onProblem });
          total.readings += r.readings;
          total.stored += r.stored;
          total.duplicates += r.duplicates;
          problemCount += r.problems.length;
          // The first thousand problems are listed; the count covers them all.
          if (total.problems.length < 1000) total.problems.push(...r.problems.slice(0, 1000 - total.problems.length));
        }
        if (opts.dryRun || (problemCount && !opts.skipBad)) throw DRY_RUN;
        await this.audit.record(trx, actor, { action: 'import', entity: 'import', after: { fileName: upload.fileName, buildingId: upload.buildingId ?? null, new: total.stored, existing: total.duplicates, skipped: problemCount } });
        committed = true;
      });
    } catch (err) {
      if (err !== DRY_RUN) throw err;
    }
    const summary = this.summary(null, upload.fileName, 'csv', total, opts.dryRun ? 'dry-run' : committed ? 'committed' : 'refused');
    return this.counted(committed, total, problemCount, { ...summary, errorCount: problemCount, message: `${total.stored} новых, ${total.duplicates} уже были${problemCount ? `, ${problemCount} с ошибками` : ''}` });
  }

  /** PostgreSQL: one pass, COPY into a staging table, set-based checks and one insert. */
  private async importBulk(
    actor: Actor,
    upload: { fileName: string; open: ByteSource; path?: string; buildingId?: string | null },
    opts: { dryRun: boolean; skipBad: boolean; onProgress?: (phase: 'scan' | 'store', bytes: number) => void; onProblem?: (p: ReadProblem) => void },
  ): Promise<ImportSummary> {
    let result: (StoreResult & { problemCount: number }) | undefined;
    let committed = false;
    try {
      await this.db.transaction(async (trx) => {
        const onBytes = (n: number) => {
          opts.onProgress?.('scan', n);
          opts.onProgress?.('store', n);
        };
        // A file on disk is parsed in a worker thread (a heap of its own, beside this one's database work).
        const chunks = upload.path ? csvCopyChunks(upload.path, upload.fileName, onBytes) : copyChunks(csvBatches(upload.open, upload.fileName, 10_000, onBytes));
        result = await bulkStoreReadings(trx, this.db, chunks, upload.fileName, { source: 'file', createdBy: actor.userId, buildingId: upload.buildingId ?? null, onProblem: opts.onProblem });
        if (opts.dryRun || (result.problemCount && !opts.skipBad)) throw DRY_RUN;
        await this.audit.record(trx, actor, { action: 'import', entity: 'import', after: { fileName: upload.fileName, buildingId: upload.buildingId ?? null, new: result.stored, existing: result.duplicates, skipped: result.problemCount } });
        committed = true;
      });
    } catch (err) {
      if (err !== DRY_RUN) throw err;
    }
    const r = result!;
    const summary = this.summary(null, upload.fileName, 'csv', r, opts.dryRun ? 'dry-run' : committed ? 'committed' : 'refused');
    return this.counted(committed, r, r.problemCount, { ...summary, errorCount: r.problemCount, message: `${r.stored} новых, ${r.duplicates} уже были${r.problemCount ? `, ${r.problemCount} с ошибками` : ''}` });
  }

  /** One step: parse and store (the CLI). */
  async importNow(actor: Actor, upload: UploadedReadings, opts: { dryRun: boolean; skipBad: boolean }): Promise<ImportSummary> {
    const { format, batches } = await this.parse(upload);
    const r = await this.store(actor, batches, { buildingId: upload.buildingId, dryRun: opts.dryRun, skipBad: opts.skipBad });
    if (r.committed) {
      await this.audit.record(this.db, actor, { action: 'import', entity: 'import', entityId: null, after: { fileName: upload.fileName, buildingId: upload.buildingId ?? null, new: r.stored, existing: r.duplicates, skipped: r.problems.length } });
    }
    return this.summary(null, upload.fileName, format, r, opts.dryRun ? 'dry-run' : r.committed ? 'committed' : 'refused');
  }

  /**
   * «Загрузка старой базы» (F25): the dry run (a diff of creates, updates and unchanged rows,
   * with errors per row) is the same transaction rolled back; the commit applies it at once.
   */
  async legacy(actor: Actor, upload: { fileName: string; content: Buffer }, dryRun: boolean, importId?: string): Promise<LegacySummary & { id: string | null; committed: boolean }> {
    await ensureReadingPartitions(this.db, await legacyReadingDays(upload.fileName, upload.content));
    let summary: LegacySummary | undefined;
    let committed = false;
    try {
      await this.db.transaction(async (trx) => {
        summary = await applyLegacyWorkbook(trx, this.registries, upload.fileName, upload.content, actor.userId);
        if (dryRun || summary.errors.length) throw DRY_RUN;
        await this.audit.record(trx, actor, { action: 'import', entity: 'legacy', entityId: importId ?? null, after: { fileName: upload.fileName, ...summary, rows: undefined, errors: 0 } });
        if (importId) await trx('imports').where({ id: importId }).update({ status: 'committed', committed_at: trx.fn.now(), content: null });
        committed = true;
      });
    } catch (err) {
      if (err !== DRY_RUN) throw err;
    }
    let id = importId ?? null;
    if (dryRun && !importId) {
      const [row] = await this.db('imports')
        .insert({ kind: 'legacy', file_name: upload.fileName, format: 'xlsx', content: upload.content, status: 'dry-run', summary: JSON.stringify({ ...summary!, rows: undefined, errors: summary!.errors.length }), created_by: actor.userId })
        .returning('id');
      id = row.id;
    }
    return { id, committed, ...summary! };
  }

  async commitLegacy(actor: Actor, id: string) {
    const row = await this.db('imports').where({ id, kind: 'legacy' }).first();
    if (!row) throw new NotFoundError({ ru: 'Загрузка не найдена', en: 'Import not found' }, { id });
    if (row.status === 'committed') throw new ConflictError({ ru: `Файл «${row.file_name}» уже загружен`, en: `File "${row.file_name}" is already committed` });
    return this.legacy(actor, { fileName: row.file_name, content: row.content }, false, id);
  }

  async list(q: { limit: number; offset: number; buildingId?: string }) {
    const base = this.db('imports as i')
      .leftJoin('users as u', 'u.id', 'i.created_by')
      .where('i.kind', 'readings')
      .modify((b) => {
        if (q.buildingId) b.where('i.building_id', q.buildingId);
      });
    return pageOf(
      base,
      q,
      (b) => b.select('i.id', 'i.file_name', 'i.format', 'i.status', 'i.summary', 'i.building_id', 'i.created_at', 'i.committed_at', 'u.email as created_by').orderBy('i.created_at', 'desc'),
      (r) => ({
        id: r.id,
        fileName: r.file_name,
        format: r.format,
        status: r.status,
        buildingId: r.building_id,
        summary: r.summary,
        createdBy: r.created_by,
        createdAt: r.created_at,
        committedAt: r.committed_at,
      }),
    );
  }
}
