import { expect } from 'chai';
import type { MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '@openamr/core/testing';
import plugin from '../src/index.js';
import { forgetSession, publish, publisher, sleep, startAedes, testBroker, until, type TestBroker } from './broker.js';

/**
 * Through the core: a test app with the plugin loaded, concentrators made by the API, the
 * node's push listeners started and stopped, readings and the poll journal read back.
 */
describe('plugin-mesh: mesh.gateway through the core', function () {
  this.timeout(60_000);
  let app: TestApp;
  let cookie: string;
  let premiseId: string;
  let buildingId: string;
  let broker: TestBroker;
  const sessions: Array<[string, string]> = [];

  before(async () => {
    broker = await testBroker();
    app = await createTestApp({ plugins: [{ package: '@openamr/plugin-mesh' }], config: { polling: { leaseMs: 1500 } } });
    cookie = (await app.loginAs('manager'))!;
    buildingId = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Mesh', address: 'x' } })).json().id;
    premiseId = (await app.inject({ method: 'POST', url: `/api/buildings/${buildingId}/premises`, cookie, payload: { number: '1', area: 40, kind: 'residential' } })).json().id;
  });
  after(async () => {
    await app?.pushListeners.stop();
    for (const [url, clientId] of sessions) await forgetSession(url, clientId).catch(() => undefined);
    await app?.close();
    await broker?.close();
  });

  const readings = async (serial: string) =>
    (await app.database.knex('readings as r').join('meters as m', 'm.id', 'r.meter_id').where('m.serial', serial).orderBy('r.taken_at').select('r.value', 'r.source', 'r.values', 'r.source_key')) as Array<{ value: string; source: string; source_key: string; values: unknown }>;
  const values = async (serial: string) => (await readings(serial)).map((r) => String(r.value));
  const lastRun = async (concentratorId: string) => (await app.inject({ method: 'GET', url: `/api/poll-runs?concentratorId=${concentratorId}`, cookie })).json().items[0];

  async function meters(...serials: string[]) {
    for (const serial of serials) {
      const r = await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial, deviceTypeId: 'core.water-meter', premiseId } });
      expect(r.statusCode, r.payload).to.equal(201);
    }
  }
  /** A Mesh concentrator on `url`; the earlier ones are disabled so each test listens to its own. */
  async function concentrator(url: string, settings: Record<string, unknown>): Promise<string> {
    await app.database.knex('concentrators').update({ enabled: false });
    const r = await app.inject({ method: 'POST', url: '/api/concentrators', cookie, payload: { buildingId, type: 'indiv-x-gateway-mesh', driverId: 'mesh.gateway', settings: { url, ...settings } } });
    expect(r.statusCode, r.payload).to.equal(201);
    const id = r.json().id as string;
    sessions.push([url, `openamr-${id}`]);
    return id;
  }

  /** A gateway of its own (unique topic and meters), its concentrator, a publisher; the listeners started, the gateway's first message stored. */
  async function gateway(url = broker.url, settings: Record<string, unknown> = {}) {
    const gw = `GW-${randomUUID().slice(0, 8)}`;
    const topic = `indivx/${gw}/readings`;
    await meters(`${gw}-1`, `${gw}-2`);
    const id = await concentrator(url, { gatewayId: gw, ...settings });
    const pub = await publisher(url);
    // Retained: the broker hands it to the listener when it subscribes, however late that is.
    await publish(pub, topic, { gateway: gw, readings: [{ serial: `${gw}-1`, time: '2024-03-01T00:00:00Z', value: 10.5 }, { serial: `${gw}-2`, time: '2024-03-01T00:00:00Z', value: '20.000' }] }, true);
    await app.pushListeners.start();
    await until('the first message', async () => (await readings(`${gw}-1`)).length + (await readings(`${gw}-2`)).length === 2);
    await publish(pub, topic, '', true);
    return { gw, topic, id, pub };
  }
  const done = async (pub: MqttClient) => {
    await app.pushListeners.stop();
    pub.end(true);
  };

  it('is listed with its push driver, and gives the web UI its settings form as JSON Schema from the joi schema', async () => {
    expect(Object.isFrozen(plugin)).to.equal(true);
    const plugins = (await app.inject({ method: 'GET', url: '/api/plugins', cookie })).json();
    expect(plugins.items.find((p: { id: string }) => p.id === 'mesh')).to.deep.include({ name: '@openamr/plugin-mesh', readerDrivers: ['mesh.gateway'] });
    const d = (await app.inject({ method: 'GET', url: '/api/concentrator-types', cookie })).json().drivers.find((x: { id: string }) => x.id === 'mesh.gateway');
    expect(d).to.deep.include({ mode: 'push', canCheck: true, canScan: false, secretSettings: ['password'] });
    expect(d.settings).to.include.members(['url', 'username', 'password', 'gatewayId', 'topic', 'clientId', 'fields', 'reconnectMs', 'batchMessages', 'batchMs']);
    const form = d.settingsSchema;
    expect(form.properties.url).to.deep.include({ type: 'string', description: 'Адрес брокера: mqtt://host:1883 (по умолчанию — адрес и порт концентратора)' });
    expect(form.properties.reconnectMs).to.deep.include({ type: 'integer', default: 1000, minimum: 10 });
    expect(form.properties.fields.properties.errorCode).to.deep.include({ type: 'string', default: 'error', description: 'Код ошибки' });
  });

  it('stores the readings a gateway publishes, with the poll run of the listener journaling them', async () => {
    const { gw, id, pub } = await gateway();
    try {
      const run = await lastRun(id);
      expect(run).to.include({ trigger: 'push', outcome: 'running', readingsStored: 2, duplicates: 0, problemCount: 0 });
      const r = await readings(`${gw}-1`);
      expect(r.map((x) => [String(x.value), x.source, x.source_key])).to.deep.equal([['10.5', 'push', `mesh:${gw}:${gw}-1:2024-03-01T00:00:00Z`]]);
      expect(await values(`${gw}-2`)).to.deep.equal(['20.000']);
    } finally {
      await done(pub);
    }
    // Stopping the node's listeners ends the run.
    expect(await lastRun(id)).to.include({ outcome: 'ok', readingsStored: 2 });
  });

  it('a message published again stores nothing new (counted as duplicates)', async () => {
    const { gw, topic, id, pub } = await gateway();
    try {
      const body = { gateway: gw, readings: [{ serial: `${gw}-1`, time: '2024-03-02T00:00:00Z', value: 11 }] };
      await publish(pub, topic, body);
      await until('the new reading', async () => (await readings(`${gw}-1`)).length === 2);
      await publish(pub, topic, body);
      await publish(pub, topic, body);
      await until('two duplicates', async () => (await lastRun(id)).duplicates === 2);
      expect(await values(`${gw}-1`)).to.deep.equal(['10.5', '11']);
      expect(await lastRun(id)).to.include({ readingsStored: 3, duplicates: 2 });
    } finally {
      await done(pub);
    }
  });

  it('a malformed message is a problem in the poll journal naming the topic and the field, and later messages are still stored', async () => {
    const { gw, topic, id, pub } = await gateway();
    try {
      await publish(pub, topic, '{garbage');
      await publish(pub, topic, { readings: [{ serial: `${gw}-2`, time: '2024-03-02T00:00:00Z', value: 'много' }] });
      await publish(pub, topic, { serial: `${gw}-1`, time: '2024-03-02T00:00:00Z', value: 11 });
      await until('the reading after the garbage', async () => (await readings(`${gw}-1`)).length === 2);
      const run = await lastRun(id);
      expect(run).to.include({ outcome: 'running', readingsStored: 3, problemCount: 2 });
      expect(run.problems.map((p: { code: string }) => p.code)).to.deep.equal(['bad-payload', 'bad-reading']);
      expect(run.problems[0].message).to.match(new RegExp(`^Топик ${topic}: сообщение не JSON`));
      expect(run.problems[1]).to.deep.include({ meterSerial: `${gw}-2`, message: `Топик ${topic}: поле «readings[0].value»: не число "много"` });
      expect(await values(`${gw}-2`)).to.deep.equal(['20.000']);
    } finally {
      await done(pub);
    }
    expect(await lastRun(id)).to.include({ outcome: 'partial' });
  });

  it('readings published while the listener was stopped are stored exactly once after it starts again (persistent session)', async () => {
    const { gw, topic, id, pub } = await gateway();
    try {
      await app.pushListeners.stop();
      expect(app.pushListeners.listening).to.deep.equal([]);
      const down = [
        { serial: `${gw}-2`, time: '2024-03-02T00:00:00Z', value: 21 },
        { serial: `${gw}-2`, time: '2024-03-03T00:00:00Z', value: 22 },
      ];
      await publish(pub, topic, { readings: down });
      // The gateway, unsure of its first try, sends the first one again.
      await publish(pub, topic, { readings: [down[0]] });
      await sleep(200);
      expect(await values(`${gw}-2`)).to.deep.equal(['20.000']);
      await app.pushListeners.start();
      await until('the readings published while down', async () => (await readings(`${gw}-2`)).length === 3);
      await until('the duplicate counted', async () => (await lastRun(id)).duplicates === 1);
      await sleep(300);
      expect(await values(`${gw}-2`)).to.deep.equal(['20.000', '21', '22']);
      expect(await lastRun(id)).to.include({ trigger: 'push', outcome: 'running', readingsStored: 2, duplicates: 1 });
    } finally {
      await done(pub);
    }
  });

  it('reconnects after the broker drops and goes on storing (aedes stopped and started)', async () => {
    const aedes = await startAedes();
    const { gw, topic, id, pub } = await gateway(aedes.url, { reconnectMs: 50, reconnectMaxMs: 200 });
    try {
      await aedes.stop();
      await sleep(400);
      await aedes.start();
      await until('the publisher back', () => pub.connected);
      await publish(pub, topic, { serial: `${gw}-1`, time: '2024-04-01T00:00:00Z', value: 12 });
      await until('the reading after the reconnection', async () => (await readings(`${gw}-1`)).length === 2);
      expect(app.pushListeners.listening).to.include(id);
      expect(await lastRun(id)).to.include({ outcome: 'running', readingsStored: 3, duplicates: 0 });
    } finally {
      await done(pub);
      await aedes.close();
    }
  });
});
