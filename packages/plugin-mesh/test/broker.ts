import { createRequire } from 'node:module';
import { createServer, Socket, type Server } from 'node:net';

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

/** Mosquitto on 127.0.0.1:1883 when it runs (this machine and CI), else aedes in-process. */
export async function testBroker(): Promise<{ url: string; name: string; close(): Promise<void> }> {
  if (await reachable('127.0.0.1', 1883)) return { url: 'mqtt://127.0.0.1:1883', name: 'Mosquitto', close: async () => undefined };
  const a = await startAedes();
  return { url: a.url, name: 'aedes', close: () => a.close() };
}
