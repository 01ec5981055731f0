import { decodeTelegram, TelegramError, type SlaveInfo } from '../decoder/telegram.js';
import { ACK, REQ_UD2, SELECTED, SND_NKE, selectFrame, shortFrame } from './frames.js';
import { MbusLink, NoAnswer } from './link.js';

export interface FoundMeter {
  /** Primary address, when found by primary scan. */
  address?: number;
  /** Secondary address (16 hex digits) as the meter answers it. */
  secondary: string;
  slave: SlaveInfo;
}

function secondaryOfSlave(s: SlaveInfo, frame: Uint8Array): string {
  const d = frame.subarray(7);
  const id = s.id.padStart(8, '0');
  const man = ((d[5]! << 8) | d[4]!).toString(16).padStart(4, '0');
  return `${id}${man}${d[6]!.toString(16).padStart(2, '0')}${d[7]!.toString(16).padStart(2, '0')}`.toUpperCase();
}

async function identify(client: MbusLink, address: number, timeoutMs: number): Promise<FoundMeter | undefined> {
  try {
    const frame = await client.request(shortFrame(REQ_UD2, address), timeoutMs);
    if (frame.length === 1) return undefined;
    const t = decodeTelegram(frame);
    return { ...(address !== SELECTED ? { address } : {}), secondary: secondaryOfSlave(t.slave, frame), slave: t.slave };
  } catch (err) {
    if (err instanceof NoAnswer || err instanceof TelegramError) return undefined;
    throw err;
  }
}

/** Primary scan: SND_NKE to every address 0–250; who acknowledges is asked for its data. */
export async function scanPrimary(client: MbusLink, timeoutMs: number, onProgress?: (address: number) => void): Promise<FoundMeter[]> {
  const found: FoundMeter[] = [];
  for (let a = 0; a <= 250; a++) {
    onProgress?.(a);
    try {
      const ack = await client.request(shortFrame(SND_NKE, a), timeoutMs);
      if (ack[0] !== ACK) continue;
    } catch (err) {
      if (err instanceof NoAnswer) continue;
      throw err;
    }
    const meter = await identify(client, a, timeoutMs);
    if (meter) found.push(meter);
  }
  return found;
}

export interface SecondaryScanOptions {
  /** The mask to start from (default: all wildcards). */
  mask?: string;
  /** Manufacturer codes (`KAM`) to try for meters that share number, version and medium, besides those found. */
  manufacturers?: readonly string[];
  /** Called with the narrowest mask several slaves still answered together: they could not be told apart. */
  onUnresolved?: (mask: string) => void;
}

const ANY_ID_DIGIT = /F/;
const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();

/** A manufacturer's three letters as the 4 hex digits of a secondary address. */
export function manufacturerHex(code: string): string {
  const [a, b, c] = [...code.toUpperCase()].map((ch) => ch.charCodeAt(0) - 64) as [number, number, number];
  return ((a << 10) | (b << 5) | c).toString(16).padStart(4, '0').toUpperCase();
}

/**
 * The masks one step narrower than `mask`, or none when it is fully specified: the first
 * wildcard digit of the identification number (0–9), then — for meters that share a whole
 * number — the medium byte, the version byte (each 00–FE: FF is their wildcard) and the
 * manufacturer (FFFF is its wildcard; the codes tried are those of `manufacturers`).
 */
function narrower(mask: string, manufacturers: Iterable<string>): string[] {
  const id = mask.slice(0, 8);
  const at = id.search(ANY_ID_DIGIT);
  if (at >= 0) return Array.from({ length: 10 }, (_, d) => mask.slice(0, at) + d + mask.slice(at + 1));
  const bytes = Array.from({ length: 255 }, (_, b) => hex2(b));
  if (mask.slice(14, 16) === 'FF') return bytes.map((b) => mask.slice(0, 14) + b);
  if (mask.slice(12, 14) === 'FF') return bytes.map((b) => mask.slice(0, 12) + b + mask.slice(14));
  if (mask.slice(8, 12) === 'FFFF') return [...new Set(manufacturers)].map((m) => id + manufacturerHex(m) + mask.slice(12));
  return [];
}

/**
 * Secondary scan (wildcard search, EN 13757-3): select a mask; one acknowledgement is one
 * meter (read it at address 253), garbled answers are several — narrow the mask (the
 * identification number digit by digit, then medium, version and manufacturer for meters
 * that share a number); silence is none. The manufacturers tried are those of the meters
 * found so far and `options.manufacturers` (all 17,576 codes would take hours); meters still
 * answering together are reported to `onUnresolved`.
 */
export async function scanSecondary(client: MbusLink, timeoutMs: number, options: SecondaryScanOptions = {}): Promise<FoundMeter[]> {
  const found: FoundMeter[] = [];
  const manufacturers = new Set(options.manufacturers ?? []);
  /** Whether any slave answered the mask (alone or together). */
  const visit = async (mask: string): Promise<boolean> => {
    let answer: Uint8Array | undefined;
    try {
      answer = await client.request(selectFrame(mask), timeoutMs);
    } catch (err) {
      if (!(err instanceof NoAnswer)) throw err;
    }
    const collided = !answer ? client.noise > 0 : answer[0] !== ACK;
    if (answer?.[0] === ACK && !collided) {
      const meter = await identify(client, SELECTED, timeoutMs);
      if (meter) {
        found.push(meter);
        if (meter.slave.manufacturer) manufacturers.add(meter.slave.manufacturer);
      }
      return true;
    }
    if (!collided) return false;
    let answered = false;
    for (const m of narrower(mask, manufacturers)) answered = (await visit(m)) || answered;
    if (!answered) options.onUnresolved?.(mask);
    return true;
  };
  await visit((options.mask ?? 'FFFFFFFFFFFFFFFF').toUpperCase());
  return found;
}
