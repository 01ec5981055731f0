import { expect } from 'chai';
import mqtt, { type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { createDriverContext, createTestApp, describeReaderDriver, type TestApp } from '@openamr/core/testing';
import { MeshGatewayDriver } from '../src/index.js';
import { startAedes, testBroker, type LocalBroker } from './broker.js';

async function publisher(url: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: `pub-${randomUUID()}`, reconnectPeriod: 100 });
  await new Promise<void>((resolve, reject) => (c.once('connect', () => resolve()), c.once('error', reject)));
  return c;
}
const publish = (c: MqttClient, topic: string, body: unknown) =>
  new Promise<void>((resolve, reject) => c.publish(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 }, (err) => (err ? reject(err) : resolve())));

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('plugin-mesh: mesh.gateway through the core', function () {
  this.timeout(60_000);
  let app: TestApp;
  let cookie: string;
  let premiseId: string;
  let buildingId: string;

  const readings = async (serial: string) =>
    (await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').where('m.serial', serial).orderBy('r.taken_at').select('r.value', 'r.source', 'r.values')) as Array<{ value: string; source: string }>;

  before(async () => {
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-mesh' }], config: { polling: { leaseMs: 1500 } } });
    cookie = (await app.loginAs('manager'))!;
    buildingId = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Mesh', address: 'x' } })).json().id;
    premiseId = (await app.inject({ method: 'POST', url: `/api/buildings/${buildingId}/premises`, cookie, payload: { number: '1', area: 40, kind: 'residential' } })).json().id;
  });
  after(() => app?.close());

  async function meters(...serials: string[]) {
    for (const serial of serials) {
      const r = await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial, deviceTypeId: 'core.water-meter', premiseId } });
      expect(r.statusCode, r.payload).to.equal(201);
    }
  }
  async function concentrator(settings: Record<string, unknown>) {
    const r = await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId, type: 'indiv-x-gateway-mesh', driverId: 'mesh.gateway', settings } });
    expect(r.statusCode, r.payload).to.equal(201);
    return r.json() as { id: string };
  }
  const run = async (concentratorId: string) => (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${concentratorId}`, cookie })).json().items[0];

  it('stores published readings once, journals a malformed message and goes on, and stores what was published while nobody listened', async () => {
    const broker = await testBroker();
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const topic = `indivx/${gw}/readings`;
    await meters(`${gw}-1`, `${gw}-2`);
    const c = await concentrator({ url: broker.url, gatewayId: gw });
    const push = app.pushListeners;
    const pub = await publisher(broker.url);
    try {
      await push.start();
      await until('the listener', async () => push.listening.includes(c.id));
      // The subscription is made on connect: wait for it before publishing.
      await until('the subscription', async () => (await run(c.id))?.outcome === 'running');
      await new Promise((r) => setTimeout(r, 300));
      await publish(pub, topic, { readings: [{ serial: `${gw}-1`, time: '2024-03-01T00:00:00Z', value: 10.5 }, { serial: `${gw}-2`, time: '2024-03-01T00:00:00Z', value: 20 }] });
      await until('two readings', async () => (await readings(`${gw}-1`)).length + (await readings(`${gw}-2`)).length === 2);
      // The same message again (a redelivery): nothing new.
      await publish(pub, topic, { readings: [{ serial: `${gw}-1`, time: '2024-03-01T00:00:00Z', value: 10.5 }] });
      await publish(pub, topic, '{garbage');
      await publish(pub, topic, { serial: `${gw}-1`, time: '2024-03-02T00:00:00Z', value: 11 });
      await until('the reading after the garbage', async () => (await readings(`${gw}-1`)).length === 2);
      const r = await run(c.id);
      expect(r).to.include({ trigger: 'push', outcome: 'running', readingsStored: 3, duplicates: 1 });
      expect(r.problems.map((p: { code: string }) => p.code)).to.deep.equal(['bad-payload']);
      expect((await readings(`${gw}-1`)).map((x) => [x.value, x.source])).to.deep.equal([['10.5', 'push'], ['11', 'push']]);

      // Nobody listens: the broker keeps the session's messages (QoS 1, clean session off).
      await push.stop();
      await publish(pub, topic, { serial: `${gw}-2`, time: '2024-03-02T00:00:00Z', value: 21 });
      await publish(pub, topic, { serial: `${gw}-2`, time: '2024-03-03T00:00:00Z', value: 22 });
      expect(await readings(`${gw}-2`)).to.have.length(1);
      await push.start();
      await until('the readings published while down', async () => (await readings(`${gw}-2`)).length === 3);
      await new Promise((r) => setTimeout(r, 300));
      expect((await readings(`${gw}-2`)).map((x) => x.value)).to.deep.equal(['20', '21', '22']);
    } finally {
      await push.stop();
      pub.end(true);
      await broker.close();
    }
  });

  it('reconnects after the broker drops, and the messages published meanwhile arrive once', async () => {
    const broker: LocalBroker = await startAedes();
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const topic = `indivx/${gw}/readings`;
    await meters(`${gw}-1`);
    const c = await concentrator({ url: broker.url, gatewayId: gw, reconnectMs: 50, reconnectMaxMs: 200 });
    const push = app.pushListeners;
    try {
      await push.start();
      await until('the listener', async () => push.listening.includes(c.id) && (await run(c.id))?.outcome === 'running');
      await new Promise((r) => setTimeout(r, 300));
      await broker.stop();
      await new Promise((r) => setTimeout(r, 300));
      await broker.start();
      const pub = await publisher(broker.url);
      await publish(pub, topic, { serial: `${gw}-1`, time: '2024-04-01T00:00:00Z', value: 1 });
      pub.end(true);
      await until('the reading after the reconnection', async () => (await readings(`${gw}-1`)).length === 1);
      expect(push.listening).to.include(c.id);
    } finally {
      await push.stop();
      await broker.close();
    }
  });

  it('acknowledges a message only once it is stored: a failed store means redelivery, not loss', async () => {
    const broker = await startAedes();
    const d = new MeshGatewayDriver();
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const settings = d.settingsSchema.validate({ url: broker.url, gatewayId: gw, reconnectMs: 50 }).value!;
    const stored: string[] = [];
    let failures = 1;
    const sink = {
      async store(batch: { readings: Array<{ sourceKey: string }> }) {
        if (failures-- > 0) throw new Error('database down');
        stored.push(...batch.readings.map((r) => r.sourceKey));
        return { stored: batch.readings.length, duplicates: 0 };
      },
    };
    const ctl = new AbortController();
    const listener = await d.listen({ id: 'c-ack', buildingId: 'b', type: 't', settings, timeZone: 'UTC' }, sink as never, createDriverContext({ signal: ctl.signal }));
    const pub = await publisher(broker.url);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await publish(pub, `indivx/${gw}/readings`, { id: 'only-once', serial: 'S', time: '2024-01-01T00:00:00Z', value: 1 });
      await until('the redelivered message', async () => stored.length > 0);
      expect(stored).to.deep.equal(['mesh:c-ack:only-once']);
    } finally {
      pub.end(true);
      await listener.close();
      await broker.close();
    }
  });

  it('answers «Проверить соединение» for a live and a dead broker', async () => {
    const broker = await testBroker();
    const d = new MeshGatewayDriver();
    const settings = d.settingsSchema.validate({ url: broker.url, gatewayId: 'X' }).value!;
    expect(await d.check({ id: 'c', buildingId: 'b', type: 't', settings, timeZone: 'UTC' })).to.deep.include({ ok: true });
    const dead = d.settingsSchema.validate({ url: 'mqtt://127.0.0.1:1', gatewayId: 'X' }).value!;
    const r = await d.check({ id: 'c', buildingId: 'b', type: 't', settings: dead, timeZone: 'UTC' });
    expect(r.ok).to.equal(false);
    expect(r.message).to.contain('mqtt://127.0.0.1:1');
    await broker.close();
  });

  describeReaderDriver(MeshGatewayDriver as never, {
    validSettings: { url: 'mqtt://127.0.0.1:1883', gatewayId: 'GW-1', password: 's' },
    invalidSettings: [{}, { url: 'http://x', gatewayId: 'a' }, { gatewayId: 'a/b' }, { topic: 'x', reconnectMs: 1 }],
  });
});
