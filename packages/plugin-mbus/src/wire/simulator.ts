import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import { ACK, REQ_UD2, SELECTED, SND_NKE, readdress } from './frames.js';

export interface SimulatedSlave {
  /** Primary address 1–250. */
  address: number;
  /** The RSP_UD frame it answers REQ_UD2 with (variable data structure). */
  frame: Uint8Array;
}

export interface MbusSimulator {
  port: number;
  /** Requests answered, by kind. */
  served: { snd_nke: number; req_ud2: number; select: number };
  close(): Promise<void>;
}

/** The slave's secondary address as 16 hex digits: id (BCD), manufacturer, version, medium. */
export function secondaryOf(frame: Uint8Array): string {
  const d = frame.subarray(7);
  const id = [3, 2, 1, 0].map((i) => d[i]!.toString(16).padStart(2, '0')).join('');
  const man = ((d[5]! << 8) | d[4]!).toString(16).padStart(4, '0');
  return `${id}${man}${d[6]!.toString(16).padStart(2, '0')}${d[7]!.toString(16).padStart(2, '0')}`.toUpperCase();
}

/** Whether the frame carries the variable data header (CI 72/76) a selection is matched against; a fixed-structure slave is not selectable. */
export function hasSecondaryAddress(frame: Uint8Array): boolean {
  return frame[6] === 0x72 || frame[6] === 0x76;
}

/** EN 13757-3 wildcards: an F nibble of the identification number, FFFF for the manufacturer, FF for version or medium. */
function matches(mask: string, secondary: string): boolean {
  const id = [...mask.slice(0, 8)].every((c, i) => c === 'F' || c === secondary[i]);
  const field = (from: number, to: number) => /^F+$/.test(mask.slice(from, to)) || mask.slice(from, to) === secondary.slice(from, to);
  return id && field(8, 12) && field(12, 14) && field(14, 16);
}

/**
 * The slaves' side of a bus on one byte stream: answers SND_NKE with an ACK and REQ_UD2
 * with the addressed slave's frame, selects by secondary address, stays silent for an
 * address nobody has. Returns the function to feed received bytes to.
 */
function busSlaves(
  byAddress: Map<number, Uint8Array>,
  served: MbusSimulator['served'],
  out: { write(b: Uint8Array): unknown; closed(): boolean },
  baud?: number,
): (chunk: Buffer) => void {
  let selected: Uint8Array | undefined;
  let buf = Buffer.alloc(0);
  let sending = Promise.resolve();
  // On a bus the request travels too: an answer leaves after the request's and its own bytes' time.
  const send = (bytes: Uint8Array, requestBytes = 5) => {
    sending = sending.then(async () => {
      if (baud) await new Promise((r) => setTimeout(r, Math.ceil(((requestBytes + bytes.length) * 11 * 1000) / baud)));
      if (!out.closed()) out.write(bytes);
    });
  };
  return (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf[0] === 0x10 && buf.length >= 5) {
        const [, c, a] = buf;
        buf = buf.subarray(5);
        const frame = a === SELECTED ? selected : byAddress.get(a!);
        if (!frame) continue; // nobody at that address: silence, as on a real bus
        if ((c! & 0x4f) === SND_NKE) {
          served.snd_nke++;
          send(Uint8Array.of(ACK));
        } else if ((c! & 0x4f) === (REQ_UD2 & 0x4f)) {
          served.req_ud2++;
          send(a === SELECTED ? readdress(frame, SELECTED) : frame);
        }
        continue;
      }
      if (buf[0] === 0x68 && buf.length >= 4 && buf.length >= buf[1]! + 6) {
        const frame = buf.subarray(0, buf[1]! + 6);
        buf = buf.subarray(buf[1]! + 6);
        if (frame[6] === 0x52 && frame.length >= 17) {
          const d = frame.subarray(7, 15);
          const mask = [3, 2, 1, 0].map((i) => d[i]!.toString(16).padStart(2, '0')).join('').toUpperCase() +
            ((d[5]! << 8) | d[4]!).toString(16).padStart(4, '0').toUpperCase() + d[6]!.toString(16).padStart(2, '0').toUpperCase() + d[7]!.toString(16).padStart(2, '0').toUpperCase();
          const hits = [...byAddress.values()].filter((f) => hasSecondaryAddress(f) && matches(mask, secondaryOf(f)));
          selected = hits.length === 1 ? hits[0] : undefined;
          if (hits.length === 1) {
            served.select++;
            send(Uint8Array.of(ACK), frame.length);
          } else if (hits.length > 1) {
            send(Uint8Array.of(0xff, 0x00), frame.length); // several slaves answer at once: garbled bytes
          }
        }
        continue;
      }
      if (buf.length && buf[0] !== 0x10 && buf[0] !== 0x68) {
        buf = buf.subarray(1);
        continue;
      }
      break;
    }
  };
}

/**
 * An M-Bus bus behind a TCP gateway, for tests and benchmarks: slaves answer SND_NKE with an
 * ACK and REQ_UD2 with their recorded frame (their primary address patched in), and the
 * slave selected by secondary address answers at address 253. With `baud`, bytes leave at
 * the pace of a real bus (11 bits a byte), so timings are those of the wire.
 */
export async function startMbusSimulator(opts: { slaves: SimulatedSlave[]; port?: number; host?: string; baud?: number }): Promise<MbusSimulator> {
  const byAddress = new Map(opts.slaves.map((s) => [s.address, readdress(s.frame, s.address)]));
  const served = { snd_nke: 0, req_ud2: 0, select: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', busSlaves(byAddress, served, { write: (b) => socket.write(b), closed: () => socket.destroyed }, opts.baud));
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    served,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/**
 * The same slaves on a serial device (e.g. one end of a pseudo-terminal pair made by
 * `socat`, the driver on the other end): the serial driver's peer in tests.
 */
export async function startMbusSerialSimulator(opts: { slaves: SimulatedSlave[]; path: string; baud?: number }): Promise<Omit<MbusSimulator, 'port'>> {
  const byAddress = new Map(opts.slaves.map((s) => [s.address, readdress(s.frame, s.address)]));
  const served = { snd_nke: 0, req_ud2: 0, select: 0 };
  const port = new SerialPort({ path: opts.path, baudRate: opts.baud ?? 2400, parity: 'even', dataBits: 8, stopBits: 1, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => undefined);
  port.on('data', busSlaves(byAddress, served, { write: (b) => port.write(Buffer.from(b)), closed: () => !port.isOpen }, opts.baud));
  return { served, close: () => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())) };
}
