/** M-Bus link layer (EN 13757-2): the frames a master sends and how to find a slave's answer in a byte stream. */

export const ACK = 0xe5;
export const SND_NKE = 0x40;
export const REQ_UD2 = 0x5b;
/** The primary address that answers for the slave selected by secondary address. */
export const SELECTED = 0xfd;

export function shortFrame(c: number, address: number): Uint8Array {
  return Uint8Array.from([0x10, c, address, (c + address) & 0xff, 0x16]);
}

/** SND_UD with CI 52: select the slave whose secondary address (id BCD, manufacturer, version, medium) matches; F nibbles are wildcards. */
export function selectFrame(secondary: string): Uint8Array {
  const hex = secondary.toUpperCase();
  if (!/^[0-9F]{8}[0-9A-F]{8}$/.test(hex)) throw new Error(`a secondary address is 16 hex digits (8 of id, 4 manufacturer, 2 version, 2 medium), got ${secondary}`);
  const id = hex.slice(0, 8);
  const bytes = [
    ...[6, 4, 2, 0].map((i) => parseInt(id.slice(i, i + 2), 16)),
    parseInt(hex.slice(10, 12), 16), parseInt(hex.slice(8, 10), 16),
    parseInt(hex.slice(12, 14), 16), parseInt(hex.slice(14, 16), 16),
  ];
  const body = [0x53, SELECTED, 0x52, ...bytes];
  const cs = body.reduce((a, b) => (a + b) & 0xff, 0);
  return Uint8Array.from([0x68, body.length, body.length, 0x68, ...body, cs, 0x16]);
}

/**
 * The length of the first complete answer at the start of `buf`: 1 for an ACK, the long
 * frame's length, 0 when more bytes are needed, −1 when the bytes are not an answer.
 */
export function answerLength(buf: Uint8Array): number {
  if (!buf.length) return 0;
  if (buf[0] === ACK) return 1;
  if (buf[0] !== 0x68) return -1;
  if (buf.length < 4) return 0;
  if (buf[1] !== buf[2] || buf[3] !== 0x68) return -1;
  const total = buf[1]! + 6;
  return buf.length >= total ? total : 0;
}

/** A recorded frame answered from another primary address: A field and checksum redone. */
export function readdress(frame: Uint8Array, address: number): Uint8Array {
  const out = frame.slice();
  if (out[0] !== 0x68 || out.length < 9) return out;
  out[5] = address;
  const length = out[1]!;
  let cs = 0;
  for (let i = 4; i < 4 + length; i++) cs = (cs + out[i]!) & 0xff;
  out[4 + length] = cs;
  return out;
}
