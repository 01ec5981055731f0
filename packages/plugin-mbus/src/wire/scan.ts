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

/**
 * Secondary scan (wildcard search): select a mask; one acknowledgement is one meter (read it
 * at address 253), garbled answers are several — narrow the mask digit by digit; silence is
 * none.
 */
export async function scanSecondary(client: MbusLink, timeoutMs: number, mask = 'FFFFFFFFFFFFFFFF', position = 0): Promise<FoundMeter[]> {
  let answer: Uint8Array | undefined;
  try {
    answer = await client.request(selectFrame(mask), timeoutMs);
  } catch (err) {
    if (!(err instanceof NoAnswer)) throw err;
  }
  const collided = !answer ? client.noise > 0 : answer[0] !== ACK;
  if (answer?.[0] === ACK && !collided) {
    const meter = await identify(client, SELECTED, timeoutMs);
    return meter ? [meter] : [];
  }
  if (!collided || position >= 8) return [];
  const found: FoundMeter[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    found.push(...(await scanSecondary(client, timeoutMs, mask.slice(0, position) + digit + mask.slice(position + 1), position + 1)));
  }
  return found;
}
