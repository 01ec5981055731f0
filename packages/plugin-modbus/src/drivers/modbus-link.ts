import { createRequire } from 'node:module';
import type ModbusSerial from 'modbus-serial';
import { ConnectionError } from '@openamr/core/plugin-api';
import type { RegisterTable } from '../register-map.js';

// modbus-serial is CommonJS: its client class is module.exports.
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as typeof ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusSerial.default>;

export function createModbusClient(): ModbusClient {
  return new ModbusRTU();
}

/** Why a request got no registers, as the driver tells its meters apart. */
export type RequestFailure =
  | { kind: 'exception'; code: number }
  | { kind: 'timeout' }
  | { kind: 'garbled'; message: string };

/** A Modbus exception answer carries its code (modbus-serial sets `modbusCode`). */
export function failureOf(err: unknown): RequestFailure {
  const e = err as { modbusCode?: number; name?: string; message?: string };
  if (typeof e?.modbusCode === 'number') return { kind: 'exception', code: e.modbusCode };
  if (e?.name === 'TransactionTimedOutError' || /timed out/i.test(String(e?.message))) return { kind: 'timeout' };
  return { kind: 'garbled', message: String(e?.message ?? err) };
}

const CLOSE_WAIT_MS = 1000;

/** modbus-serial refuses a request on a closed port with this message. */
const isPortClosed = (err: unknown) => /port not open/i.test(String((err as Error)?.message));

/**
 * An open Modbus master on one bus. modbus-serial's requests take no AbortSignal and, when
 * the peer drops the link, wait for their timeout: here both end a request at once.
 */
export class ModbusLink {
  private closing = false;
  private readonly ended: Promise<never>;
  private readonly onAbort: () => void;

  constructor(
    private readonly client: ModbusClient,
    /** Where the bus is, for messages: `host:port` or the serial device. */
    readonly where: string,
    private readonly signal: AbortSignal,
  ) {
    let fail!: (err: unknown) => void;
    this.ended = new Promise<never>((_, reject) => (fail = reject));
    this.ended.catch(() => undefined);
    this.onAbort = () => {
      fail(signal.reason ?? new Error('aborted'));
      void this.close();
    };
    client.on('close', () => {
      if (!this.closing) fail(this.lost('the peer closed the connection'));
    });
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** Reads `count` registers of a unit; rejects with the request's failure, a ConnectionError or the abort reason. */
  async read(unitId: number, table: RegisterTable, address: number, count: number, timeoutMs: number): Promise<number[]> {
    this.signal.throwIfAborted();
    this.client.setID(unitId);
    this.client.setTimeout(timeoutMs);
    const request = table === 'input' ? this.client.readInputRegisters(address, count) : this.client.readHoldingRegisters(address, count);
    request.catch(() => undefined);
    try {
      const answer = await Promise.race([request, this.ended]);
      return answer.data;
    } catch (err) {
      if (isPortClosed(err)) throw this.lost((err as Error).message);
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.signal.removeEventListener('abort', this.onAbort);
    if (!this.client.isOpen) return;
    // A TCP close waits for the peer's FIN; a peer that never sends it is cut off.
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => this.client.destroy(() => resolve()), CLOSE_WAIT_MS);
      this.client.close(() => {
        clearTimeout(cut);
        resolve();
      });
    });
  }

  private lost(why: string): ConnectionError {
    return new ConnectionError({ ru: `Modbus ${this.where}: связь потеряна (${why})`, en: `Modbus ${this.where}: the link was lost (${why})` });
  }
}
