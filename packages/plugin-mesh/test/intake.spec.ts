import { expect } from 'chai';
import type { ReadBatch } from '@openamr/core/plugin-api';
import { Intake, mergeBatches, type Delivery } from '../src/intake.js';
import { sleep, until } from './broker.js';

/** A store the test resolves or fails by hand, recording what it was given. */
function manualStore() {
  const calls: Array<{ batch: ReadBatch; resolve(): void; reject(err: Error): void }> = [];
  const store = (batch: ReadBatch) => new Promise<void>((resolve, reject) => calls.push({ batch, resolve, reject }));
  return { calls, store };
}

function delivery(n: number, acks: number[], connection: unknown = 'c1'): Delivery {
  return {
    batch: { source: 'MQTT t', readings: [{ meterSerial: `S${n}`, takenAt: '2024-01-01T00:00:00Z', values: { value: n }, sourceKey: `k${n}` }], problems: [] },
    ack: () => acks.push(n),
    connection,
  };
}

const serials = (b: ReadBatch) => b.readings.map((r) => r.meterSerial);

describe('plugin-mesh: the intake (group commit, ack after the store)', () => {
  it('stores at most batchMessages messages at a time, one store after another, and acknowledges each in order only after its store resolved', async () => {
    const { calls, store } = manualStore();
    const failures: unknown[] = [];
    const intake = new Intake(store, { batchMessages: 100, batchMs: 50, gapMs: 10, maxPending: 1000, onFailure: (e) => failures.push(e) });
    const acks: number[] = [];
    for (let n = 0; n < 250; n++) intake.push(delivery(n, acks));
    await until('the first store', () => calls.length === 1);
    expect(calls[0]!.batch.readings).to.have.length(100);
    expect(serials(calls[0]!.batch).slice(0, 3)).to.deep.equal(['S0', 'S1', 'S2']);
    await sleep(80);
    // One store at a time, nothing acknowledged before it is durable.
    expect(calls).to.have.length(1);
    expect(acks).to.deep.equal([]);
    calls[0]!.resolve();
    await until('the second store', () => calls.length === 2);
    expect(acks).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    expect(calls[1]!.batch.readings).to.have.length(100);
    calls[1]!.resolve();
    await until('the third store', () => calls.length === 3);
    expect(serials(calls[2]!.batch)).to.have.length(50);
    calls[2]!.resolve();
    await until('every ack', () => acks.length === 250);
    expect(acks).to.deep.equal(Array.from({ length: 250 }, (_, i) => i));
    expect(failures).to.deep.equal([]);
  });

  it('stores a lone message once the broker is quiet for gapMs, without waiting the whole batchMs', async () => {
    const { calls, store } = manualStore();
    const intake = new Intake(store, { batchMessages: 100, batchMs: 1000, gapMs: 10, maxPending: 1000, onFailure: () => undefined });
    const t = Date.now();
    intake.push(delivery(1, []));
    await until('the store', () => calls.length === 1, 2000);
    expect(Date.now() - t).to.be.below(500);
    calls[0]!.resolve();
  });

  it('a steady trickle is stored at the latest batchMs after its first message', async () => {
    const { calls, store } = manualStore();
    const intake = new Intake(store, { batchMessages: 100, batchMs: 120, gapMs: 40, maxPending: 1000, onFailure: () => undefined });
    const t = Date.now();
    let n = 0;
    const trickle = setInterval(() => intake.push(delivery(n++, [])), 10);
    try {
      await until('the store', () => calls.length === 1, 2000);
      const waited = Date.now() - t;
      expect(waited).to.be.within(100, 400);
      expect(calls[0]!.batch.readings.length).to.be.above(3);
    } finally {
      clearInterval(trickle);
    }
  });

  it('a failed store acknowledges nothing and tells the driver; the next store goes on', async () => {
    const { calls, store } = manualStore();
    const failures: unknown[] = [];
    const intake = new Intake(store, { batchMessages: 2, batchMs: 20, gapMs: 5, maxPending: 100, onFailure: (e) => failures.push(e) });
    const acks: number[] = [];
    for (let n = 0; n < 4; n++) intake.push(delivery(n, acks));
    await until('the first store', () => calls.length === 1);
    calls[0]!.reject(new Error('database down'));
    await until('the second store', () => calls.length === 2);
    expect(failures.map((e) => (e as Error).message)).to.deep.equal(['database down']);
    calls[1]!.resolve();
    await until('its acks', () => acks.length === 2);
    expect(acks).to.deep.equal([2, 3]);
  });

  it('drops what waits from a closed connection, pushes back when full, and on close finishes the store under way', async () => {
    const { calls, store } = manualStore();
    const intake = new Intake(store, { batchMessages: 2, batchMs: 20, gapMs: 5, maxPending: 3, onFailure: () => undefined });
    const acks: number[] = [];
    intake.push(delivery(0, acks));
    intake.push(delivery(1, acks));
    await until('the first store', () => calls.length === 1);
    intake.push(delivery(2, acks, 'old'));
    intake.push(delivery(3, acks));
    expect(intake.full).to.equal(false);
    intake.push(delivery(4, acks));
    expect(intake.full).to.equal(true);
    let room = false;
    void intake.room().then(() => (room = true));
    await sleep(20);
    expect(room).to.equal(false);
    intake.dropConnection('old');
    await sleep(0);
    expect(room).to.equal(true);
    expect(intake.waiting).to.equal(2);
    let closed = false;
    const closing = intake.close().then(() => (closed = true));
    await sleep(20);
    expect(closed, 'close waits for the store under way').to.equal(false);
    calls[0]!.resolve();
    await closing;
    expect(acks).to.deep.equal([0, 1]);
    await sleep(30);
    expect(calls, 'nothing stored after close').to.have.length(1);
  });

  it('merges the batches of several messages, readings and problems in order', () => {
    const a: ReadBatch = { source: 'MQTT a', readings: [], problems: [{ code: 'bad-payload', message: 'x' }] };
    const b = delivery(1, []).batch;
    expect(mergeBatches([a])).to.equal(a);
    const m = mergeBatches([a, b, a]);
    expect(m.source).to.equal('MQTT a и ещё 1 (3 сообщений)');
    expect(m.readings.map((r) => r.sourceKey)).to.deep.equal(['k1']);
    expect(m.problems).to.have.length(2);
  });
});
