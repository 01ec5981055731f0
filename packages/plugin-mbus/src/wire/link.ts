import { connect } from 'node:net';
import { SerialPort } from 'serialport';
import { ConnectionError } from '@openamr/core/plugin-api';
import { answerLength } from './frames.js';

/** No answer within the timeout: the slave is silent (not a dead gateway). */
export class NoAnswer extends Error {}

/** A byte stream to the bus: a TCP socket or a serial port. */
interface Wire {
  write(bytes: Uint8Array): unknown;
  on(event: 'data', fn: (d: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  destroy(): void;
}

/**
 * The master's side of an M-Bus (EN 13757-2) over a byte stream: a request, then the first
 * complete answer (an ACK or a long frame) within the timeout. Unlike libmbus, nothing
 * waits for a purge after an answer: a frame's own length says when it ends. The stream is
 * a transparent TCP gateway (`MbusTcpClient`) or a serial port with an M-Bus level
 * converter (`MbusSerialClient`).
 */
export abstract class MbusLink {
  private wire?: Wire;
  private buf: Buffer = Buffer.alloc(0);
  private waiter?: () => void;
  private failure?: Error;
  /** Bytes that were not an answer since the last request (colliding answers garble the bus). */
  noise = 0;

  protected constructor(
    /** Where, for messages: `host:port` or the device path. */
    readonly where: string,
    protected readonly signal: AbortSignal,
  ) {}

  abstract open(timeoutMs: number): Promise<void>;

  protected attach(wire: Wire): void {
    this.wire = wire;
    const onAbort = () => wire.destroy();
    this.signal.addEventListener('abort', onAbort, { once: true });
    wire.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.waiter?.();
    });
    const dropped = (err?: Error) => {
      this.failure ??= new ConnectionError({
        ru: `M-Bus ${this.where}: соединение разорвано${err ? `: ${err.message}` : ''}`,
        en: `M-Bus ${this.where}: the connection dropped${err ? `: ${err.message}` : ''}`,
      });
      this.waiter?.();
    };
    wire.on('error', dropped);
    wire.on('close', () => dropped());
  }

  /** Sends `frame` and resolves with the answer; NoAnswer after `timeoutMs` of silence. */
  async request(frame: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    this.buf = Buffer.alloc(0);
    this.noise = 0;
    if (this.failure) throw this.failure;
    this.wire!.write(frame);
    // A monotonic clock: a wall clock stepped back (or frozen in a test) must not stretch the wait.
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const n = answerLength(this.buf);
      if (n > 0) {
        const answer = Uint8Array.from(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        return answer;
      }
      if (n < 0) {
        // Noise on the bus (e.g. colliding answers): skip a byte, and count it.
        this.buf = this.buf.subarray(1);
        this.noise++;
        continue;
      }
      if (this.signal.aborted) throw this.signal.reason ?? new Error('aborted');
      if (this.failure) throw this.failure;
      const left = deadline - performance.now();
      if (left <= 0) throw new NoAnswer('no answer');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(t), (this.waiter = undefined), resolve());
      });
    }
  }

  close(): void {
    this.wire?.destroy();
  }
}

/** An M-Bus behind a transparent TCP gateway. */
export class MbusTcpClient extends MbusLink {
  constructor(
    private readonly host: string,
    private readonly port: number,
    signal: AbortSignal,
  ) {
    super(`${host}:${port}`, signal);
  }

  async open(timeoutMs: number): Promise<void> {
    const socket = connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const onAbort = () => socket.destroy();
    this.signal.addEventListener('abort', onAbort, { once: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError({ ru: `Шлюз M-Bus ${this.where} не ответил за ${timeoutMs} мс`, en: `M-Bus gateway ${this.where} did not answer within ${timeoutMs} ms` }));
      }, timeoutMs);
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('error', (err) => (clearTimeout(timer), reject(new ConnectionError({ ru: `Шлюз M-Bus ${this.where} недоступен: ${err.message}`, en: `M-Bus gateway ${this.where} is unreachable: ${err.message}` }))));
    });
    this.signal.removeEventListener('abort', onAbort);
    this.attach(socket);
  }
}

export interface SerialLine {
  /** The device, e.g. `/dev/ttyUSB0`. */
  path: string;
  baudRate: number;
  /** M-Bus frames are 8 data bits, even parity, 1 stop bit. */
  parity?: 'even' | 'none' | 'odd';
}

/** An M-Bus on a serial port (a USB or RS-232 M-Bus level converter). */
export class MbusSerialClient extends MbusLink {
  constructor(
    private readonly line: SerialLine,
    signal: AbortSignal,
  ) {
    super(line.path, signal);
  }

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.line.path, baudRate: this.line.baudRate, dataBits: 8, parity: this.line.parity ?? 'even', stopBits: 1, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err
          ? reject(new ConnectionError({ ru: `Порт M-Bus ${this.where} не открывается: ${err.message}`, en: `M-Bus port ${this.where} cannot be opened: ${err.message}` }))
          : resolve(),
      ),
    );
    // SerialPort has no destroy(): closing the port is its end.
    this.attach({
      write: (b) => port.write(Buffer.from(b)),
      on: (event: string, fn: (...a: any[]) => void) => port.on(event, fn),
      destroy: () => {
        if (port.isOpen) port.close(() => undefined);
      },
    } as Wire);
  }
}
