import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CONFIG, DB, LOGGER, REGISTRIES } from '../../tokens.js';
import type { AppConfig } from '../../config/config.js';
import type { Registries } from '../../loader/registries.js';
import type { Logger } from '../../plugin-api/service-refs.js';
import { ConfigError, ConflictError, ConnectionError, NotFoundError, OpenAmrError, ProtocolError, textIn } from '../../plugin-api/errors.js';
import type { DriverContext, ReadBatch, ReadProblem, ReaderSession } from '../../plugin-api/reader-driver.js';
import { storeReadings, candidateDays } from '../readings/store-readings.js';
import { ensureReadingPartitions } from '../readings/reading-partitions.js';
import { AuditService } from '../audit-service.js';
import type { Actor } from '../actor.js';
import { ConcentratorService } from './concentrator-service.js';
import { createServiceLookup } from '../service-lookup.js';
import { Metrics } from '../metrics.js';
import { coreServices } from '../../plugin-api/service-refs.js';

export type PollOutcome = 'ok' | 'partial' | 'connection-error' | 'protocol-error' | 'config-error' | 'timeout';

export interface PollResult {
  runId: string;
  outcome: PollOutcome;
  readingsStored: number;
  duplicates: number;
  problemCount: number;
  error: string | null;
}

/** Problems kept in a run's journal entry (the count covers them all). */
const JOURNALED = 200;

class Aborted extends Error {
  constructor(readonly why: 'timeout' | 'shutdown' | 'lease-lost') {
    super(why);
  }
}

interface Running {
  runId: string;
  concentratorId: string;
  controller: AbortController;
  done: Promise<PollResult>;
}

/** This node's name in leases and journals: host, process and a random tag (two processes on one host differ). */
function makeNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Runs polls (F26, F27): one open session per concentrator across all nodes (a lease on the
 * concentrator's row, renewed while the poll runs), batches stored through the readings
 * store one transaction each with the driver's cursor, `close()` exactly once, retries with
 * back-off for a concentrator that could not be reached, a timeout, and a journal entry per
 * run with its outcome. A dead concentrator is an outcome, never an exception to the caller.
 */
@injectable()
export class PollRunner {
  readonly nodeId = makeNodeId();
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(REGISTRIES) private readonly registries: Registries,
    @inject(CONFIG) private readonly config: AppConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(ConcentratorService) private readonly concentrators: ConcentratorService,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(Metrics) private readonly metrics: Metrics,
  ) {}

  get active(): number {
    return this.running.size;
  }

  /**
   * Starts a poll of the concentrator and returns its run id at once; `done` resolves with
   * the result. A concentrator already being polled (on any node) is a ConflictError.
   */
  async start(concentratorId: string, trigger: { kind: 'manual'; actor: Actor } | { kind: 'schedule'; slotId: string }): Promise<{ runId: string; done: Promise<PollResult> }> {
    if (this.stopping) throw new ConflictError({ ru: 'Узел завершает работу: опрос не начат', en: 'The node is shutting down: poll not started' });
    const runId = await this.db.transaction(async (trx) => {
      await this.takeLease(trx, concentratorId);
      const [run] = await trx('poll_runs')
        .insert({
          concentrator_id: concentratorId,
          trigger: trigger.kind,
          node_id: this.nodeId,
          started_by: trigger.kind === 'manual' ? trigger.actor.userId : null,
          schedule_slot_id: trigger.kind === 'schedule' ? trigger.slotId : null,
        })
        .returning('id');
      if (trigger.kind === 'schedule') await trx('schedule_slots').where({ id: trigger.slotId }).update({ poll_run_id: run.id });
      if (trigger.kind === 'manual') {
        await this.audit.record(trx, trigger.actor, { action: 'poll', entity: 'concentrator', entityId: concentratorId, after: { runId: run.id } });
      }
      return run.id as string;
    });
    const controller = new AbortController();
    const done = this.run(runId, concentratorId, controller, trigger.kind).finally(() => this.running.delete(runId));
    this.running.set(runId, { runId, concentratorId, controller, done });
    return { runId, done };
  }

  /** Takes the concentrator's lease for this node, or says who is using it (ConflictError). */
  private async takeLease(trx: Knex.Transaction, concentratorId: string): Promise<void> {
    const leased = await trx('concentrators')
      .where({ id: concentratorId })
      .andWhere((w) => w.whereNull('lease_until').orWhere('lease_until', '<', trx.raw('now()')))
      .update({ lease_owner: this.nodeId, lease_until: trx.raw(`now() + ? * interval '1 millisecond'`, [this.config.polling.leaseMs]) })
      .returning('id');
    if (leased.length) return;
    const exists = await trx('concentrators').where({ id: concentratorId }).first('id');
    if (!exists) throw new NotFoundError({ ru: 'Концентратор не найден', en: 'Concentrator not found' }, { id: concentratorId });
    const current = await trx('poll_runs').where({ concentrator_id: concentratorId, outcome: 'running' }).orderBy('started_at', 'desc').first('id');
    throw new ConflictError(
      { ru: 'Концентратор уже опрашивается: дождитесь окончания опроса', en: 'The concentrator is already being polled: wait for the poll to end' },
      current ? { runId: current.id } : {},
    );
  }

  /**
   * Runs `fn` holding the concentrator's lease (a bus scan: nothing else talks to the
   * concentrator meanwhile, on any node); the lease is renewed while it runs and let go after.
   */
  async exclusive<T>(concentratorId: string, fn: () => Promise<T>): Promise<T> {
    await this.db.transaction((trx) => this.takeLease(trx, concentratorId));
    const renewal = setInterval(() => {
      void this.db('concentrators')
        .where({ id: concentratorId, lease_owner: this.nodeId })
        .update({ lease_until: this.db.raw(`now() + ? * interval '1 millisecond'`, [this.config.polling.leaseMs]) })
        .catch((err: unknown) => this.logger.warn({ err, concentratorId }, 'lease renewal failed'));
    }, Math.max(250, Math.floor(this.config.polling.leaseMs / 3)));
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      await this.db('concentrators').where({ id: concentratorId, lease_owner: this.nodeId }).update({ lease_owner: null, lease_until: null });
    }
  }

  private async run(runId: string, concentratorId: string, controller: AbortController, trigger: 'manual' | 'schedule'): Promise<PollResult> {
    const { timeoutMs, retries, retryDelayMs, leaseMs } = this.config.polling;
    const totals = { stored: 0, duplicates: 0, problemCount: 0, problems: [] as ReadProblem[], attempts: 0 };
    const timer = setTimeout(() => controller.abort(new Aborted('timeout')), timeoutMs);
    // The lease on the concentrator and the run's heartbeat are renewed while the poll runs;
    // a node that cannot renew (its lease was taken over) stops polling.
    const heartbeat = setInterval(() => {
      void this.renew(runId, concentratorId).then(
        (held) => (held ? undefined : controller.abort(new Aborted('lease-lost'))),
        (err) => this.logger.warn({ err, runId }, 'poll lease renewal failed'),
      );
    }, Math.max(250, Math.floor(leaseMs / 3)));
    let outcome: PollOutcome = 'ok';
    let error: string | null = null;
    try {
      for (;;) {
        totals.attempts++;
        try {
          await this.session(runId, concentratorId, controller.signal, totals);
          break;
        } catch (err) {
          // Only a concentrator that could not be reached is tried again, inside the timeout.
          const retryable = err instanceof ConnectionError && !controller.signal.aborted && totals.attempts <= retries;
          if (!retryable) throw err;
          const delay = retryDelayMs * 2 ** (totals.attempts - 1);
          this.logger.info({ runId, concentratorId, attempt: totals.attempts, delay, reason: (err as Error).message }, 'poll retry');
          await sleep(delay, controller.signal);
          if (controller.signal.aborted) throw controller.signal.reason;
        }
      }
      outcome = totals.problemCount ? 'partial' : 'ok';
    } catch (err) {
      ({ outcome, error } = this.classify(err, controller.signal));
      if (outcome === 'protocol-error' && !(err instanceof OpenAmrError)) this.logger.error({ err, runId, concentratorId }, 'driver failed');
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
    }
    const shutdown = controller.signal.reason instanceof Aborted && controller.signal.reason.why !== 'timeout';
    await this.finish(runId, concentratorId, { outcome, error, ...totals }, shutdown);
    this.metrics.polls.inc({ outcome, trigger });
    this.logger.info({ runId, concentratorId, outcome, stored: totals.stored, problems: totals.problemCount }, 'poll finished');
    return { runId, outcome, readingsStored: totals.stored, duplicates: totals.duplicates, problemCount: totals.problemCount, error };
  }

  /** One driver session: open, store every batch with its cursor, close exactly once. */
  private async session(runId: string, concentratorId: string, signal: AbortSignal, totals: { stored: number; duplicates: number; problemCount: number; problems: ReadProblem[] }): Promise<void> {
    const c = await this.concentrators.runtime(concentratorId);
    if (!c.enabled) throw new ConfigError({ ru: 'Концентратор отключён', en: 'The concentrator is disabled' });
    if (c.driver.mode !== 'poll') {
      throw new ConfigError({ ru: `Драйвер ${c.driver.id} принимает данные сам (push): опрашивать его не нужно`, en: `Driver ${c.driver.id} receives pushed data: it is not polled` });
    }
    const ctx: DriverContext = {
      signal,
      logger: this.logger.child({ concentratorId, runId, driver: c.driver.id }),
      services: createServiceLookup([
        [coreServices.logger, this.logger],
        [coreServices.clock, { now: () => new Date() }],
      ]),
      knownMeters: () => this.knownMeters(c.buildingId),
    };
    const target = { id: c.id, buildingId: c.buildingId, type: c.type, host: c.host, port: c.port, settings: c.settings, cursor: c.cursor, timeZone: c.timeZone };
    const session: ReaderSession = await c.driver.open(target, ctx);
    try {
      for await (const batch of session.read()) {
        if (signal.aborted) throw signal.reason;
        await this.store(runId, concentratorId, c.buildingId, batch, totals);
      }
    } finally {
      try {
        await session.close();
      } catch (err) {
        this.logger.warn({ err, runId, concentratorId }, 'driver session close failed');
      }
    }
  }

  /** A batch and its cursor in one transaction: the cursor never runs ahead of what is stored. */
  private async store(runId: string, concentratorId: string, buildingId: string, batch: ReadBatch, totals: { stored: number; duplicates: number; problemCount: number; problems: ReadProblem[] }): Promise<void> {
    await ensureReadingPartitions(this.db, candidateDays([batch]));
    const r = await this.db.transaction(async (trx) => {
      const result = await storeReadings(trx, this.registries, [batch], { source: 'poll', pollRunId: runId, buildingId });
      if (batch.cursor !== undefined) await trx('concentrators').where({ id: concentratorId }).update({ cursor: batch.cursor });
      const problems = result.problems.slice(0, Math.max(0, JOURNALED - totals.problems.length));
      await trx('poll_runs')
        .where({ id: runId })
        .update({
          readings_stored: trx.raw('readings_stored + ?', [result.stored]),
          duplicates: trx.raw('duplicates + ?', [result.duplicates]),
          problem_count: trx.raw('problem_count + ?', [result.problems.length]),
          heartbeat_at: trx.raw('now()'),
        });
      return { ...result, journaled: problems };
    });
    totals.stored += r.stored;
    this.metrics.readings.inc({ source: 'poll' }, r.stored);
    totals.duplicates += r.duplicates;
    totals.problemCount += r.problems.length;
    totals.problems.push(...r.journaled);
  }

  private classify(err: unknown, signal: AbortSignal): { outcome: PollOutcome; error: string } {
    const reason = signal.reason;
    if (signal.aborted && reason instanceof Aborted) {
      const text = {
        timeout: `Опрос прерван: превышено время ожидания (${Math.round(this.config.polling.timeoutMs / 1000)} с)`,
        shutdown: 'Опрос прерван: узел завершает работу; слот будет выполнен снова',
        'lease-lost': 'Опрос прерван: аренда концентратора перешла к другому узлу',
      }[reason.why];
      return { outcome: 'timeout', error: text };
    }
    const message = err instanceof OpenAmrError ? textIn(err.text, 'ru') : (err as Error)?.message ?? String(err);
    if (err instanceof ConfigError) return { outcome: 'config-error', error: message };
    if (err instanceof ConnectionError) return { outcome: 'connection-error', error: message };
    if (err instanceof ProtocolError) return { outcome: 'protocol-error', error: message };
    return { outcome: 'protocol-error', error: `Ошибка драйвера: ${message}` };
  }

  private async finish(
    runId: string,
    concentratorId: string,
    r: { outcome: PollOutcome; error: string | null; problems: ReadProblem[]; attempts: number },
    interrupted: boolean,
  ): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('poll_runs')
        .where({ id: runId })
        .update({ finished_at: trx.raw('now()'), outcome: r.outcome, error: r.error, problems: JSON.stringify(r.problems), attempts: r.attempts });
      await trx('concentrators').where({ id: concentratorId, lease_owner: this.nodeId }).update({ lease_owner: null, lease_until: null });
      const slot = await trx('schedule_slots').where({ poll_run_id: runId }).first('id');
      if (slot) {
        // A poll cut short by this node's shutdown leaves its slot to be run again at once by
        // another node (or this one after a restart); any other end completes the slot.
        if (interrupted) await trx('schedule_slots').where({ id: slot.id }).update({ claimed_until: trx.raw('now()'), poll_run_id: null });
        else await trx('schedule_slots').where({ id: slot.id }).update({ completed_at: trx.raw('now()') });
      }
    });
  }

  /** Renews the concentrator lease, the run's heartbeat and its slot claim; false when another node holds the concentrator. */
  private async renew(runId: string, concentratorId: string): Promise<boolean> {
    const ms = this.config.polling.leaseMs;
    return this.db.transaction(async (trx) => {
      const held = await trx('concentrators')
        .where({ id: concentratorId, lease_owner: this.nodeId })
        .update({ lease_until: trx.raw(`now() + ? * interval '1 millisecond'`, [ms]) });
      await trx('poll_runs').where({ id: runId }).update({ heartbeat_at: trx.raw('now()') });
      await trx('schedule_slots')
        .where({ poll_run_id: runId, claimed_by: this.nodeId })
        .whereNull('completed_at')
        .update({ claimed_until: trx.raw(`now() + ? * interval '1 millisecond'`, [ms]) });
      return held > 0;
    });
  }

  private async knownMeters(buildingId: string) {
    const rows = await this.db('meters as m')
      .join('premises as p', 'p.id', 'm.premise_id')
      .where('p.building_id', buildingId)
      .whereNull('m.decommissioned_on')
      .select('m.serial', 'm.device_type_id', 'p.number');
    return rows.map((r) => ({ serial: r.serial, deviceTypeId: r.device_type_id, premiseNumber: r.number }));
  }

  /**
   * Closes the journal entries of runs left `running` by nodes that stopped without
   * finishing them (no heartbeat for two leases), and frees their concentrators.
   */
  async closeAbandonedRuns(): Promise<number> {
    const ms = this.config.polling.leaseMs * 2;
    const closed = await this.db('poll_runs')
      .where({ outcome: 'running' })
      .andWhere('heartbeat_at', '<', this.db.raw(`now() - ? * interval '1 millisecond'`, [ms]))
      .update({ outcome: 'timeout', finished_at: this.db.raw('now()'), error: 'Узел, который вёл опрос, остановился; опрос не завершён' })
      .returning('id');
    return closed.length;
  }

  /**
   * SIGTERM: no new polls; running ones may finish for `graceMs`, then they are aborted
   * (their slots are handed back, so another node runs them).
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    const all = [...this.running.values()];
    if (!all.length) return;
    const grace = new Promise<'grace'>((r) => setTimeout(() => r('grace'), this.config.polling.graceMs).unref());
    const finished = Promise.allSettled(all.map((r) => r.done)).then(() => 'done' as const);
    if ((await Promise.race([finished, grace])) === 'grace') {
      for (const r of this.running.values()) r.controller.abort(new Aborted('shutdown'));
      await Promise.allSettled(all.map((r) => r.done));
    }
  }
}
