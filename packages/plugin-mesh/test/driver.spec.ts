import { expect } from 'chai';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { PushListener, PushSink, ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext, createMemoryLogger, describeReaderDriver } from '@openamr/core/testing';
import { MeshGatewayDriver, type MeshSettings } from '../src/index.js';
import { forgetSession, publish, publisher, sleep, startAedes, testBroker, until, type TestBroker } from './broker.js';

const driver = new MeshGatewayDriver();
const settingsOf = (s: Record<string, unknown>) => {
  const v = driver.settingsSchema.validate(s);
  if (v.error) throw v.error;
  return v.value as MeshSettings;
};
const reading = (gw: string, i: number) => ({ id: `${gw}-${i}`, serial: `S-${i % 7}`, time: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), value: i });

/** A sink that records every store (and can be told to fail). */
function recordingSink() {
  const stores: ReadBatch[] = [];
  const keys = () => stores.flatMap((b) => b.readings.map((r) => r.sourceKey));
  const sink: PushSink & { fail: number } = {
    fail: 0,
    async store(batch) {
      if (this.fail > 0) {
        this.fail--;
        throw new Error('database down');
      }
      stores.push(batch);
      return { stored: batch.readings.length, duplicates: 0 };
    },
  };
  return { sink, stores, keys };
}

/** Starts a listener and resolves once it has subscribed. */
async function listen(settings: MeshSettings, sink: PushSink, id = `c-${randomUUID().slice(0, 8)}`): Promise<{ listener: PushListener; logger: ReturnType<typeof createMemoryLogger> }> {
  const logger = createMemoryLogger();
  const listener = await driver.listen({ id, buildingId: 'b', type: 't', settings, timeZone: 'UTC' }, sink, createDriverContext({ logger }));
  await until('the subscription', () => logger.lines.some((l) => l.msg === 'MQTT subscribed'));
  return { listener, logger };
}

describe('plugin-mesh: mesh.gateway against a live broker', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  before(async () => {
    broker = await testBroker();
    console.log(`      (broker: ${broker.name} ${broker.url})`);
  });
  after(() => broker?.close());

  it('stores a burst of messages in a few transactions and acknowledges every one (a new connection of the session gets nothing again)', async () => {
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const clientId = `t-${gw}`;
    const settings = settingsOf({ url: broker.url, gatewayId: gw, clientId, batchMessages: 50 });
    const { sink, stores, keys } = recordingSink();
    const { listener } = await listen(settings, sink);
    const pub = await publisher(broker.url);
    try {
      const N = 300;
      await Promise.all(Array.from({ length: N }, (_, i) => publish(pub, `indivx/${gw}/readings`, { gateway: gw, readings: [reading(gw, i)] })));
      await until('every message stored', () => keys().length >= N);
      expect(new Set(keys()).size).to.equal(N);
      expect(keys()).to.have.length(N);
      // Grouped: far fewer transactions than messages, none above batchMessages.
      expect(stores.length, `${stores.length} stores`).to.be.below(N / 5);
      expect(Math.max(...stores.map((b) => b.readings.length))).to.be.at.most(50);
      await listener.close();

      // Every message was acknowledged: the session has nothing to deliver again.
      const again = recordingSink();
      const second = await listen(settings, again.sink);
      await sleep(500);
      expect(again.keys()).to.deep.equal([]);
      await second.listener.close();
    } finally {
      pub.end(true);
      await forgetSession(broker.url, clientId);
    }
  });

  it('a listener killed in the middle of a store loses nothing: the next one with its client id gets the messages again', async function () {
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const clientId = `t-${gw}`;
    const child = fork(fileURLToPath(new URL('./crash-child.ts', import.meta.url)), [broker.url, gw, clientId], {
      execArgv: ['--import', '@swc-node/register/esm-register', '--conditions=source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const told: Array<{ subscribed?: true; stored?: string[] }> = [];
    child.on('message', (m) => told.push(m as never));
    const pub = await publisher(broker.url);
    try {
      await until('the child subscribed', () => told.some((m) => m.subscribed), 30_000);
      await publish(pub, `indivx/${gw}/readings`, { readings: [reading(gw, 1), reading(gw, 2)] });
      await until('the child storing', () => told.some((m) => m.stored));
      expect(told.find((m) => m.stored)!.stored).to.deep.equal([`mesh:${gw}:${gw}-1`, `mesh:${gw}:${gw}-2`]);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Published while nobody listens: kept by the broker too.
      await publish(pub, `indivx/${gw}/readings`, { readings: [reading(gw, 3)] });

      const { sink, keys } = recordingSink();
      const { listener } = await listen(settingsOf({ url: broker.url, gatewayId: gw, clientId }), sink);
      await until('the redelivery', () => keys().length >= 3);
      await sleep(200);
      expect(keys()).to.deep.equal([`mesh:${gw}:${gw}-1`, `mesh:${gw}:${gw}-2`, `mesh:${gw}:${gw}-3`]);
      await listener.close();
    } finally {
      child.kill('SIGKILL');
      pub.end(true);
      await forgetSession(broker.url, clientId);
    }
  });

  it('a failed store acknowledges nothing: the connection is dropped and the broker delivers the message again', async () => {
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const clientId = `t-${gw}`;
    const { sink, keys } = recordingSink();
    sink.fail = 1;
    const { listener, logger } = await listen(settingsOf({ url: broker.url, gatewayId: gw, clientId, reconnectMs: 50 }), sink);
    const pub = await publisher(broker.url);
    try {
      await publish(pub, `indivx/${gw}/readings`, { readings: [reading(gw, 1)] });
      await until('the redelivered message', () => keys().length > 0);
      expect(keys()).to.deep.equal([`mesh:${gw}:${gw}-1`]);
      expect(logger.lines.map((l) => l.msg)).to.include('pushed readings not stored; reconnecting for redelivery');
    } finally {
      pub.end(true);
      await listener.close();
      await forgetSession(broker.url, clientId);
    }
  });

  it('keeps listening while the broker is away, and reconnects with back-off (aedes stopped and started)', async () => {
    const aedes = await startAedes();
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const { sink, keys } = recordingSink();
    const { listener, logger } = await listen(settingsOf({ url: aedes.url, gatewayId: gw, reconnectMs: 20, reconnectMaxMs: 160 }), sink);
    try {
      await aedes.stop();
      await sleep(700);
      const attempts = logger.lines.filter((l) => l.level === 'warn' && l.msg === 'MQTT error').length;
      // Without back-off 20 ms apart would be ~35 attempts; doubling to 160 ms gives about 7.
      expect(attempts).to.be.within(2, 15);
      await aedes.start();
      await until('the reconnection', () => logger.lines.filter((l) => l.msg === 'MQTT connected').length === 2, 5000);
      const pub = await publisher(aedes.url);
      await publish(pub, `indivx/${gw}/readings`, { readings: [reading(gw, 1)] });
      pub.end(true);
      await until('the reading after the reconnection', () => keys().length === 1);
    } finally {
      await listener.close();
      await aedes.close();
    }
  });

  it('answers «Проверить соединение» for a live and a dead broker', async () => {
    expect(await driver.check({ id: 'c', buildingId: 'b', type: 't', settings: settingsOf({ url: broker.url, gatewayId: 'X' }), timeZone: 'UTC' })).to.deep.include({ ok: true });
    const r = await driver.check({ id: 'c', buildingId: 'b', type: 't', settings: settingsOf({ url: 'mqtt://127.0.0.1:1', gatewayId: 'X' }), timeZone: 'UTC' });
    expect(r.ok).to.equal(false);
    expect(r.message).to.contain('mqtt://127.0.0.1:1');
    const none = await driver.check({ id: 'c', buildingId: 'b', type: 't', settings: settingsOf({}), timeZone: 'UTC' });
    expect(none).to.deep.equal({ ok: false, message: 'Не указан брокер MQTT: адрес концентратора или url' });
  });

  it('takes the broker from the concentrator address and closes promptly when the broker is unreachable', async () => {
    const logger = createMemoryLogger();
    const listener = await driver.listen({ id: 'c', buildingId: 'b', type: 't', host: '127.0.0.1', port: 1, settings: settingsOf({ gatewayId: 'X' }), timeZone: 'UTC' }, recordingSink().sink, createDriverContext({ logger }));
    await until('a connection attempt', () => logger.lines.some((l) => l.msg === 'MQTT error'));
    expect(logger.lines.find((l) => l.msg === 'MQTT error')!.obj).to.deep.include({ url: 'mqtt://127.0.0.1:1' });
    const t = Date.now();
    await listener.close();
    expect(Date.now() - t).to.be.below(1000);
  });
});

describeReaderDriver(MeshGatewayDriver as never, {
  validSettings: { url: 'mqtt://127.0.0.1:1883', gatewayId: 'GW-1', password: 's', topic: 'indivx/+/readings', fields: { serial: 'sn' } },
  invalidSettings: [{ url: 'http://x' }, { gatewayId: 'a/b' }, { topic: 'a/#/b' }, { topic: 'a/b+' }, { reconnectMs: 1 }, { batchMessages: 0 }, { fields: { serial: 5 } }],
});
