import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';

/** Whether something answers on host:port within 300 ms. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(300, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, host);
  });
}

/** An in-process MQTT broker (aedes) on 127.0.0.1 that can be stopped and started again on the same port, keeping its sessions. */
export interface LocalBroker {
  url: string;
  port: number;
  name: string;
  /** Drops every connection and stops listening (the broker's sessions stay). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startAedes(): Promise<LocalBroker> {
  // aedes is CommonJS; only the calls used here are typed.
  type Broker = { handle(stream: unknown): void; close(cb: () => void): void };
  const createBroker = createRequire(import.meta.url)('aedes').createBroker as (o?: object) => Broker;
  const broker = createBroker();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const start = async () => {
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      broker.handle(s as never);
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  };
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  };
  await start();
  return {
    name: 'aedes',
    get url() {
      return `mqtt://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    stop,
    start,
    close: async () => {
      await stop();
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

export interface TestBroker {
  url: string;
  name: string;
  close(): Promise<void>;
}

/** Mosquitto on 127.0.0.1:1883 when it runs (this machine and CI), else aedes in-process. */
export async function testBroker(): Promise<TestBroker> {
  if (process.env.MESH_TEST_BROKER !== 'aedes' && (await reachable('127.0.0.1', 1883))) return { url: 'mqtt://127.0.0.1:1883', name: 'Mosquitto', close: async () => undefined };
  return startAedes();
}

export async function publisher(url: string): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: `pub-${randomUUID()}`, reconnectPeriod: 100 });
  await new Promise<void>((resolve, reject) => (c.once('connect', () => resolve()), c.once('error', reject)));
  return c;
}

export const publish = (c: MqttClient, topic: string, body: unknown, retain = false) =>
  new Promise<void>((resolve, reject) => c.publish(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1, retain }, (err) => (err ? reject(err) : resolve())));

/** Ends a persistent session on the broker (a clean connect with its client id), so test runs leave none behind. */
export async function forgetSession(url: string, clientId: string): Promise<void> {
  const c = mqtt.connect(url, { clientId, clean: true, reconnectPeriod: 0 });
  await new Promise<void>((resolve) => (c.once('connect', () => resolve()), c.once('error', () => resolve())));
  await new Promise<void>((resolve) => c.end(false, () => resolve()));
}

export async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
