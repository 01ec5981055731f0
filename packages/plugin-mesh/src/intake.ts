import type { ReadBatch } from '@openamr/core/plugin-api';

/** One received message: its readings and how to acknowledge it once they are stored. */
export interface Delivery {
  batch: ReadBatch;
  /** Sends the PUBACK (a no-op for QoS 0, or when the connection it came on is gone). */
  ack(): void;
  /** The connection it came on: its deliveries are dropped when that connection closes. */
  connection: unknown;
}

export interface IntakeOptions {
  /** At most this many messages in one store. */
  batchMessages: number;
  /** A message waits at most this long (ms) for others to join its store. */
  batchMs: number;
  /** A store starts once no message came for this long (ms): the broker has sent what it had. */
  gapMs: number;
  /** Messages received and not yet stored beyond which the next one is not taken (back-pressure). */
  maxPending: number;
  /** A store failed: nothing of it was acknowledged. */
  onFailure(err: unknown): void;
}

/** The readings and problems of several messages as one batch, in the order received. */
export function mergeBatches(batches: ReadBatch[]): ReadBatch {
  if (batches.length === 1) return batches[0]!;
  const sources = [...new Set(batches.map((b) => b.source))];
  return {
    source: sources.length === 1 ? `${sources[0]} (${batches.length} сообщений)` : `${sources[0]} и ещё ${sources.length - 1} (${batches.length} сообщений)`,
    readings: batches.flatMap((b) => b.readings),
    problems: batches.flatMap((b) => b.problems),
  };
}

/**
 * Group commit of received messages: they are stored a batch at a time (one transaction for
 * up to `batchMessages` messages), one store after another, and each message is acknowledged
 * only after the store that held it resolved — in the order received, as MQTT asks of QoS 1.
 * A store starts when enough messages are waiting, when the broker went quiet for `gapMs`, or
 * when the oldest waiting message has waited `batchMs`; what arrives meanwhile waits for the
 * next store.
 */
export class Intake {
  private pending: Array<{ d: Delivery; at: number }> = [];
  private storing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private rooms: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly store: (batch: ReadBatch) => Promise<unknown>,
    private readonly o: IntakeOptions,
  ) {}

  /** Messages received and not yet handed to a store. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Whether the next message should wait for room (see `room()`). */
  get full(): boolean {
    return this.pending.length >= this.o.maxPending;
  }

  /** Resolves once fewer than `maxPending` messages wait (or the intake closed). */
  room(): Promise<void> {
    if (!this.full || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.rooms.push(resolve));
  }

  push(d: Delivery): void {
    if (this.closed) return;
    this.pending.push({ d, at: Date.now() });
    this.plan();
  }

  /** Drops the waiting deliveries of a closed connection: the broker delivers them again. */
  dropConnection(connection: unknown): void {
    this.pending = this.pending.filter((p) => p.d.connection !== connection);
    this.wake();
  }

  /** Takes nothing more, drops what waits (unacknowledged: the broker keeps it) and resolves after the store under way. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.pending = [];
    this.wake();
    await this.storing;
  }

  private wake(): void {
    if (this.full && !this.closed) return;
    for (const r of this.rooms.splice(0)) r();
  }

  private plan(): void {
    clearTimeout(this.timer);
    if (this.storing || !this.pending.length || this.closed) return;
    if (this.pending.length >= this.o.batchMessages) return this.flush();
    const wait = Math.min(this.o.gapMs, this.pending[0]!.at + this.o.batchMs - Date.now());
    if (wait <= 0) return this.flush();
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.timer);
    if (this.storing || this.closed) return;
    const take = this.pending.splice(0, this.o.batchMessages).map((p) => p.d);
    if (!take.length) return;
    this.wake();
    this.storing = this.store(mergeBatches(take.map((d) => d.batch)))
      .then(
        () => {
          for (const d of take) d.ack();
        },
        (err: unknown) => this.o.onFailure(err),
      )
      .finally(() => {
        this.storing = undefined;
        this.plan();
      });
  }
}
