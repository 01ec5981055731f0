import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import { CONFIG, DB, LOGGER } from '../../tokens.js';
import type { AppConfig } from '../../config/config.js';
import type { Logger } from '../../plugin-api/service-refs.js';
import { ConflictError } from '../../plugin-api/errors.js';
import { PollRunner } from './poll-runner.js';

/** How often a node re-reads the schedules (changes made on other nodes reach it within this). */
const RELOAD_MS = 10_000;
/** A slot not run for this long (the cluster was down) is closed without a poll. */
const SLOT_EXPIRY_MS = 24 * 3600_000;

/**
 * The scheduler (F15): a node-cron task per enabled schedule, in the building's time zone.
 * Each tick claims its slot in `schedule_slots` — unique per schedule and slot time, so of
 * all the nodes ticking for the same slot exactly one polls. A claim is a lease renewed
 * while the poll runs; a sweeper takes over slots whose lease ran out (their node crashed
 * or stopped) and runs them again.
 */
@injectable()
export class Scheduler {
  private readonly tasks = new Map<string, { key: string; task: ScheduledTask }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;
  private reloading?: Promise<void>;
  private sweeping?: Promise<void>;

  constructor(
    @inject(DB) private readonly db: Knex,
    @inject(CONFIG) private readonly config: AppConfig,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(PollRunner) private readonly runner: PollRunner,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.reload();
    await this.sweep();
    this.timers.push(setInterval(() => void this.reload(), RELOAD_MS));
    this.timers.push(setInterval(() => void this.sweep(), Math.max(500, Math.floor(this.config.polling.leaseMs / 2))));
    this.logger.info({ node: this.runner.nodeId, schedules: this.tasks.size }, 'scheduler started');
  }

  /** Stops claiming slots (running polls are the runner's to finish). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await Promise.allSettled([this.reloading, this.sweeping]);
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
  }

  /** Brings the cron tasks in line with the enabled schedules of enabled concentrators. */
  reload(): Promise<void> {
    this.reloading ??= this.doReload().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async doReload(): Promise<void> {
    if (!this.running) return;
    let rows: Array<{ id: string; cron: string; concentrator_id: string; time_zone: string | null }>;
    try {
      rows = await this.db('schedules as s')
        .join('concentrators as c', 'c.id', 's.concentrator_id')
        .join('buildings as b', 'b.id', 'c.building_id')
        .where({ 's.enabled': true, 'c.enabled': true })
        .select('s.id', 's.cron', 's.concentrator_id', 'b.time_zone');
    } catch (err) {
      this.logger.warn({ err }, 'schedules could not be read');
      return;
    }
    const wanted = new Set<string>();
    for (const r of rows) {
      const tz = r.time_zone ?? 'Europe/Moscow';
      const key = `${r.cron}|${tz}|${r.concentrator_id}`;
      wanted.add(r.id);
      const have = this.tasks.get(r.id);
      if (have?.key === key) continue;
      if (have) await have.task.destroy();
      if (!cron.validate(r.cron)) {
        this.logger.warn({ scheduleId: r.id, cron: r.cron }, 'invalid cron expression skipped');
        continue;
      }
      const task = cron.schedule(r.cron, (ctx) => this.fire(r.id, r.concentrator_id, ctx.date), {
        timezone: tz,
        name: `openamr-schedule-${r.id}`,
        suppressMissedWarning: true,
      });
      this.tasks.set(r.id, { key, task });
    }
    for (const [id, { task }] of this.tasks) {
      if (!wanted.has(id)) {
        await task.destroy();
        this.tasks.delete(id);
      }
    }
  }

  /**
   * A tick: the node that inserts the slot row polls it. Every node ticks for every slot;
   * each waits a random 0–250 ms (plus a little more the more polls it is running) before
   * claiming, so each slot goes to the node whose wait ends first — the slots of a busy
   * minute spread evenly over the nodes instead of going to whichever ticked first.
   */
  private async fire(scheduleId: string, concentratorId: string, date: Date): Promise<void> {
    if (!this.running || this.runner.active >= this.config.polling.concurrency) return;
    const slotAt = new Date(Math.floor(date.getTime() / 1000) * 1000);
    await new Promise((r) => setTimeout(r, Math.random() * 250 + Math.min(2000, this.runner.active * 2)));
    if (!this.running) return;
    try {
      const won = await this.db('schedule_slots')
        .insert({
          schedule_id: scheduleId,
          slot_at: slotAt,
          claimed_by: this.runner.nodeId,
          claimed_until: this.db.raw(`now() + ? * interval '1 millisecond'`, [this.config.polling.leaseMs]),
        })
        .onConflict(['schedule_id', 'slot_at'])
        .ignore()
        .returning('id');
      if (won.length) await this.runSlot(won[0].id, concentratorId);
    } catch (err) {
      this.logger.error({ err, scheduleId }, 'schedule tick failed');
    }
  }

  private async runSlot(slotId: string, concentratorId: string): Promise<void> {
    try {
      await this.runner.start(concentratorId, { kind: 'schedule', slotId });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The concentrator is being polled right now (a «Считать сейчас», or a slot before this
      // one still running): that poll reads what this slot would; the slot is done.
      await this.db('schedule_slots').where({ id: slotId }).update({ completed_at: this.db.raw('now()') });
      this.logger.info({ slotId, concentratorId }, 'slot skipped: concentrator busy');
    }
  }

  /** Takes over slots whose claim expired without completion, and closes abandoned runs. */
  sweep(): Promise<void> {
    this.sweeping ??= this.doSweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async doSweep(): Promise<void> {
    if (!this.running) return;
    try {
      await this.runner.closeAbandonedRuns();
      await this.db('schedule_slots')
        .whereNull('completed_at')
        .andWhere('slot_at', '<', this.db.raw(`now() - ? * interval '1 millisecond'`, [SLOT_EXPIRY_MS]))
        .update({ completed_at: this.db.raw('now()') });
      while (this.running && this.runner.active < this.config.polling.concurrency) {
        const claimed = await this.db.raw(
          `update schedule_slots s set claimed_by = ?, claimed_until = now() + ? * interval '1 millisecond'
           from schedules sc
           where s.id = (select id from schedule_slots where completed_at is null and claimed_until < now()
                         order by slot_at limit 1 for update skip locked)
             and sc.id = s.schedule_id
           returning s.id, sc.concentrator_id`,
          [this.runner.nodeId, this.config.polling.leaseMs],
        );
        const slot = claimed.rows[0] as { id: string; concentrator_id: string } | undefined;
        if (!slot) break;
        this.logger.info({ slotId: slot.id, concentratorId: slot.concentrator_id }, 'taking over an expired slot');
        try {
          await this.runner.start(slot.concentrator_id, { kind: 'schedule', slotId: slot.id });
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          // The concentrator is still leased (its session's lease has not run out yet): try again later.
          await this.db('schedule_slots').where({ id: slot.id }).update({ claimed_until: this.db.raw('now()') });
          break;
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'slot sweep failed');
    }
  }
}
