import { connect, type Socket } from 'node:net';
import { ConnectionError } from '@openamr/core/plugin-api';
import { answerLength } from './frames.js';

/** No answer within the timeout: the slave is silent (not a dead gateway). */
export class NoAnswer extends Error {}

/**
 * One TCP connection to an M-Bus gateway (a transparent TCP/M-Bus converter): a request,
 * then the first complete answer (an ACK or a long frame) within the timeout. Unlike
 * libmbus, nothing waits for a purge after an answer: a frame's own length says when it ends.
 */
export class MbusTcpClient {
  private socket?: Socket;
  private buf = Buffer.alloc(0);
  private waiter?: () => void;
  private failure?: Error;
  /** Bytes that were not an answer since the last request (colliding answers garble the bus). */
  noise = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly signal: AbortSignal,
  ) {}

  async open(timeoutMs: number): Promise<void> {
    const where = `${this.host}:${this.port}`;
    this.socket = connect({ host: this.host, port: this.port });
    this.socket.setNoDelay(true);
    const onAbort = () => this.socket?.destroy();
    this.signal.addEventListener('abort', onAbort, { once: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConnectionError({ ru: `Шлюз M-Bus ${where} не ответил за ${timeoutMs} мс`, en: `M-Bus gateway ${where} did not answer within ${timeoutMs} ms` })), timeoutMs);
      this.socket!.once('connect', () => (clearTimeout(timer), resolve()));
      this.socket!.once('error', (err) => (clearTimeout(timer), reject(new ConnectionError({ ru: `Шлюз M-Bus ${where} недоступен: ${err.message}`, en: `M-Bus gateway ${where} is unreachable: ${err.message}` }))));
    });
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    const dropped = (err?: Error) => {
      this.failure = new ConnectionError({ ru: `Шлюз M-Bus ${where} разорвал соединение${err ? `: ${err.message}` : ''}`, en: `M-Bus gateway ${where} dropped the connection${err ? `: ${err.message}` : ''}` });
      this.waiter?.();
    };
    this.socket.on('error', dropped);
    this.socket.on('close', () => dropped());
  }

  /** Sends `frame` and resolves with the answer; NoAnswer after `timeoutMs` of silence. */
  async request(frame: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    this.buf = Buffer.alloc(0);
    this.noise = 0;
    if (this.failure) throw this.failure;
    this.socket!.write(frame);
    const deadline = Date.now() + timeoutMs;
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
      const left = deadline - Date.now();
      if (left <= 0) throw new NoAnswer('no answer');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(t), (this.waiter = undefined), resolve());
      });
    }
  }

  close(): void {
    this.socket?.destroy();
  }
}
