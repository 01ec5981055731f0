import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { CONFIG, DB, LOGGER, REGISTRIES } from '../../tokens.js';
import type { AppConfig } from '../../config/config.js';
import type { Registries } from '../../loader/registries.js';
import { coreServices, type Logger } from '../../plugin-api/service-refs.js';
import { OpenAmrError, textIn } from '../../plugin-api/errors.js';
import type { PushListener, PushSink, ReadBatch } from '../../plugin-api/reader-driver.js';
import { storeReadings, candidateDays } from '../readings/store-readings.js';
import { ensureReadingPartitions } from '../readings/reading-partitions.js';
import { createServiceLookup } from '../service-lookup.js';
import { ConcentratorService } from './concentrator-service.js';
import { PollRunner } from './poll-runner.js';
import { Metrics } from '../metrics.js';

interface Held {
  runId: string;
  listener?: PushListener;
  controller: AbortController;
  /** The concentrator's settings when the listener started: a change restarts it. */
  version: string;
}

const JOURNALED = 200;

/**
 * Push drivers (readings a gateway sends, e.g. over MQTT): one listener per concentrator in
 * the whole cluster. A node takes a concentrator's lease (the same lease a poll takes), calls
 * the driver's `listen()` with a sink that stores each batch through the readings store in
 * one transaction, renews the lease while listening and journals the listening session as a
 * run (`trigger` push: readings stored and problems accumulate; it ends `ok` when the node
 * lets go, or with the driver's error). A crashed node's concentrators are taken over once
 * their lease runs out; a changed or disabled concentrator is restarted or released.
 */
@injectable()
export class PushListeners {
  private readonly held = new Map<string, Held>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private syncing?: Promise<void>;

  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(REGISTRIES) private readonly registries: Registries,
    @inject(CONFIG) private readonly config: AppConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(ConcentratorService) private readonly concentrators: ConcentratorService,
    @inject(PollRunner) private readonly runner: PollRunner,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  get listening(): string[] {
    return [...this.held.keys()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.sync();
    this.timer = setInterval(() => void this.sync(), Math.max(500, Math.floor(this.config.polling.leaseMs / 3)));
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    for (const id of [...this.held.keys()]) await this.release(id, 'ok', null);
  }

  /** One round: renew what this node holds, let go of what changed, take what nobody holds. */
  sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    if (!this.running) return;
    const pushDrivers = this.registries.readerDrivers.values().filter((d) => d.mode === 'push').map((d) => d.id);
    if (!pushDrivers.length && !this.held.size) return;
    try {
      const rows: Array<{ id: string; enabled: boolean; driver_id: string; settings: unknown; host: string | null; port: number | null; lease_owner: string | null }> = await this.db('concentrators')
        .whereIn('driver_id', pushDrivers.length ? pushDrivers : [''])
        .orWhereIn('id', [...this.held.keys()])
        .select('id', 'enabled', 'driver_id', 'settings', 'host', 'port', 'lease_owner');
      const byId = new Map(rows.map((r) => [r.id, r]));
      const leaseMs = this.config.polling.leaseMs;
      for (const [id, h] of this.held) {
        const r = byId.get(id);
        const version = r ? JSON.stringify([r.driver_id, r.settings, r.host, r.port]) : '';
        if (!r || !r.enabled || !pushDrivers.includes(r.driver_id) || version !== h.version) {
          await this.release(id, 'ok', null);
          continue;
        }
        const renewed = await this.db('concentrators')
          .where({ id, lease_owner: this.runner.nodeId })
          .update({ lease_until: this.db.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]) });
        await this.db('poll_runs').where({ id: h.runId }).update({ heartbeat_at: this.db.raw('now()') });
        if (!renewed) await this.release(id, 'timeout', 'Прием данных прерван: аренда концентратора перешла к другому узлу', false);
      }
      for (const r of rows) {
        if (!this.running || this.held.has(r.id) || !r.enabled || !pushDrivers.includes(r.driver_id)) continue;
        const claimed = await this.db('concentrators')
          .where({ id: r.id })
          .andWhere((w) => w.whereNull('lease_until').orWhere('lease_until', '<', this.db.raw('now()')))
          .update({ lease_owner: this.runner.nodeId, lease_until: this.db.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]) });
        if (claimed) await this.listen(r.id, JSON.stringify([r.driver_id, r.settings, r.host, r.port]));
      }
    } catch (err) {
      this.logger.warn({ err }, 'push listeners sync failed');
    }
  }

  private async listen(concentratorId: string, version: string): Promise<void> {
    const [run] = await this.db('poll_runs').insert({ concentrator_id: concentratorId, trigger: 'push', node_id: this.runner.nodeId, attempts: 1 }).returning('id');
    const held: Held = { runId: run.id, controller: new AbortController(), version };
    this.held.set(concentratorId, held);
    try {
      const c = await this.concentrators.runtime(concentratorId);
      if (c.driver.mode !== 'push') throw new Error(`driver ${c.driver.id} is not a push driver`);
      const sink: PushSink = { store: (batch) => this.store(concentratorId, c.buildingId, held.runId, batch) };
      const logger = this.logger.child({ concentratorId, driver: c.driver.id, push: true });
      held.listener = await c.driver.listen(
        { id: c.id, buildingId: c.buildingId, type: c.type, host: c.host, port: c.port, settings: c.settings, cursor: c.cursor, timeZone: c.timeZone },
        sink,
        {
          signal: held.controller.signal,
          logger,
          services: createServiceLookup([
            [coreServices.logger, logger],
            [coreServices.clock, { now: () => new Date() }],
          ]),
          knownMeters: async () => [],
        },
      );
      this.logger.info({ concentratorId, runId: held.runId }, 'listening for pushed readings');
    } catch (err) {
      const outcome = err instanceof OpenAmrError ? ({ config: 'config-error', connection: 'connection-error' } as Record<string, string>)[err.kind] ?? 'protocol-error' : 'protocol-error';
      await this.release(concentratorId, outcome, err instanceof OpenAmrError ? textIn(err.text, 'ru') : String((err as Error).message));
    }
  }

  /** A pushed batch: stored in one transaction with the run's counters; resolves when durable. */
  private async store(concentratorId: string, buildingId: string, runId: string, batch: ReadBatch): Promise<{ stored: number; duplicates: number }> {
    await ensureReadingPartitions(this.db, candidateDays([batch]));
    return this.db.transaction(async (trx) => {
      const r = await storeReadings(trx, this.registries, [batch], { source: 'push', pollRunId: runId, buildingId });
      const run = await trx('poll_runs').where({ id: runId }).first('problems');
      const problems = [...((run?.problems as unknown[]) ?? []), ...r.problems].slice(0, JOURNALED);
      await trx('poll_runs')
        .where({ id: runId })
        .update({
          readings_stored: trx.raw('readings_stored + ?', [r.stored]),
          duplicates: trx.raw('duplicates + ?', [r.duplicates]),
          problem_count: trx.raw('problem_count + ?', [r.problems.length]),
          problems: JSON.stringify(problems),
          heartbeat_at: trx.raw('now()'),
        });
      if (batch.cursor !== undefined) await trx('concentrators').where({ id: concentratorId }).update({ cursor: batch.cursor });
      return { stored: r.stored, duplicates: r.duplicates };
    }).then((r) => (this.metrics.readings.inc({ source: 'push' }, r.stored), r));
  }

  private async release(concentratorId: string, outcome: string, error: string | null, freeLease = true): Promise<void> {
    const h = this.held.get(concentratorId);
    if (!h) return;
    this.held.delete(concentratorId);
    h.controller.abort();
    try {
      await h.listener?.close();
    } catch (err) {
      this.logger.warn({ err, concentratorId }, 'push listener close failed');
    }
    await this.db('poll_runs')
      .where({ id: h.runId })
      .update({ outcome: outcome === 'ok' ? this.db.raw(`case when problem_count > 0 then 'partial' else 'ok' end`) : outcome, error, finished_at: this.db.raw('now()') });
    if (freeLease) await this.db('concentrators').where({ id: concentratorId, lease_owner: this.runner.nodeId }).update({ lease_owner: null, lease_until: null });
  }
}
