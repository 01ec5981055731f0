import { createServer, type AddressInfo } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { FileSystem, FtpSrv } from 'ftp-srv';

const silent = { child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

export interface TestFtpServer {
  port: number;
  /** Connections the server has open now. */
  connections(): number;
  /** Kills every open control connection abruptly (a concentrator losing power), keeping the server up. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface TestFtpOptions {
  root: string;
  user?: string;
  password?: string;
  port?: number;
  tls?: { key: string; cert: string };
  /**
   * Files served stalled: the first `bytes` are sent, then the transfer hangs and
   * `onStall()` is called, so a test can cut the connection in the middle of a download.
   */
  stall?: { name: string; bytes: number; onStall(): void };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A real FTP server (ftp-srv) on 127.0.0.1 serving `root` to one user, passive mode only. */
export async function startFtpServer(options: TestFtpOptions): Promise<TestFtpServer> {
  const { root, user = 'reader', password = 'secret', stall } = options;
  const port = options.port ?? (await freePort());
  // ftp-srv installs SIGINT/SIGTERM handlers that exit the process; tests must not keep them.
  const before = new Map((['SIGINT', 'SIGTERM', 'SIGQUIT'] as const).map((s) => [s, process.listeners(s)]));
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', pasv_min: 50000, pasv_max: 60000, log: silent, tls: options.tls ?? false });
  for (const [signal, kept] of before) {
    for (const l of process.listeners(signal)) if (!kept.includes(l)) process.removeListener(signal, l);
  }
  server.on('login', ({ connection, username, password: given }, resolve, reject) => {
    if (username !== user || given !== password) return reject(new Error('Login incorrect'));
    if (!stall) return resolve({ root });
    resolve({ fs: new StallingFileSystem(connection, { root, cwd: '/' }, stall) });
  });
  await server.listen();
  const connections = () => (server as unknown as { connections: Record<string, { commandSocket?: { destroy(): void } }> }).connections;
  return {
    port,
    connections: () => Object.keys(connections()).length,
    dropConnections: () => {
      for (const c of Object.values(connections())) c.commandSocket?.destroy();
    },
    close: async () => {
      await server.close();
    },
  };
}

class StallingFileSystem extends FileSystem {
  constructor(
    connection: ConstructorParameters<typeof FileSystem>[0],
    paths: { root: string; cwd: string },
    private readonly stall: NonNullable<TestFtpOptions['stall']>,
  ) {
    super(connection, paths);
  }

  override async read(fileName: string, opts?: { start?: unknown }): Promise<unknown> {
    const real = (await super.read(fileName, opts as never)) as { stream: Readable; clientPath: string };
    if (!fileName.endsWith(this.stall.name)) return real;
    const out = new PassThrough();
    let sent = 0;
    real.stream.on('data', (chunk: Buffer) => {
      if (sent >= this.stall.bytes) return;
      out.write(chunk.subarray(0, this.stall.bytes - sent));
      sent += chunk.length;
      if (sent >= this.stall.bytes) {
        real.stream.destroy();
        setTimeout(() => this.stall.onStall(), 50);
      }
    });
    return { stream: out, clientPath: real.clientPath };
  }
}
