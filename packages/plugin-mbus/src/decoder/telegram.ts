import { vifInfo } from './vif-table.js';

/** A telegram that cannot be decoded: what is wrong and at which byte (0-based, of the frame). */
export class TelegramError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** Set when the meter answered with an application error (CI 70): its text. */
    readonly meterError?: string,
  ) {
    super(`${message} (byte ${offset})`);
    this.name = 'TelegramError';
  }
}

/** The application errors a meter reports with CI 70 (EN 13757-3), in libmbus's words. */
const APPLICATION_ERRORS = ['Unspecified error', 'Unimplemented CI-Field', 'Buffer too long, truncated', 'Too many records', 'Premature end of record', 'More than 10 DIFE´s', 'More than 10 VIFE´s', 'Reserved', 'Application busy', 'Too many readouts'];

export interface SlaveInfo {
  /** The identification number as printed (BCD digits). */
  id: string;
  manufacturer: string | null;
  version: number | null;
  medium: string;
  accessNumber: number;
  /** The status byte, two hex digits. */
  status: string;
}

export interface DecodedRecord {
  function: string;
  storageNumber: number;
  tariff: number | null;
  subunit: number | null;
  unit: string | null;
  quantity: string | null;
  /** The scaled value: a number, or a string for dates and raw data (hex bytes). */
  value: number | string;
}

export interface DecodedTelegram {
  slave: SlaveInfo;
  records: DecodedRecord[];
  /** Records the decoder could not interpret (an unknown DIF or VIF), kept by position. */
  undecoded: Array<{ index: number; reason: string }>;
}

/** Bytes from hex text ("68 1F 1F 68 …", any whitespace, case-insensitive). */
export function parseHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const at = text.search(/[^0-9a-fA-F\s]/);
    throw new TelegramError(`not a hex digit: ${JSON.stringify(text[at])}`, Math.floor(text.slice(0, at).replace(/\s+/g, '').length / 2));
  }
  if (clean.length % 2) throw new TelegramError('an odd number of hex digits', clean.length >> 1);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const MEDIA: Record<number, string> = {
  0x00: 'Other', 0x01: 'Oil', 0x02: 'Electricity', 0x03: 'Gas', 0x04: 'Heat: Outlet', 0x05: 'Steam', 0x06: 'Warm water (30-90°C)',
  0x07: 'Water', 0x08: 'Heat Cost Allocator', 0x09: 'Compressed Air', 0x0a: 'Cooling load meter: Outlet', 0x0b: 'Cooling load meter: Inlet',
  0x0c: 'Heat: Inlet', 0x0d: 'Heat / Cooling load meter', 0x0e: 'Bus/System', 0x0f: 'Unknown Medium', 0x10: 'Irrigation Water',
  0x11: 'Water Logger', 0x12: 'Gas Logger', 0x13: 'Gas Converter', 0x14: 'Calorific value', 0x15: 'Hot water (>90°C)', 0x16: 'Cold water',
  0x17: 'Dual water', 0x18: 'Pressure', 0x19: 'A/D Converter', 0x1a: 'Smoke Detector', 0x1b: 'Ambient Sensor', 0x1c: 'Gas Detector',
  0x20: 'Breaker: Electricity', 0x21: 'Valve: Gas or Water', 0x25: 'Customer Unit: Display Device', 0x28: 'Waste Water', 0x29: 'Garbage',
  0x30: 'Service Unit', 0x36: 'Radio Converter: System', 0x37: 'Radio Converter: Meter',
};
const FIXED_MEDIA = ['Other', 'Oil', 'Electricity', 'Gas', 'Heat', 'Steam', 'Hot Water', 'Water', 'H.C.A.', 'Reserved', 'Gas Mode 2', 'Heat Mode 2', 'Hot Water Mode 2', 'Water Mode 2', 'H.C.A. Mode 2', 'Reserved'];
const FIXED_UNITS = [
  'h,m,s', 'D,M,Y', 'Wh', '10 Wh', '100 Wh', 'kWh', '10 kWh', '100 kWh', 'MWh', '10 MWh', '100 MWh', 'kJ', '10 kJ', 'MJ', '100 kJ', '10 MJ',
  '100 MJ', 'GJ', '10 GJ', '100 GJ', 'W', '10 W', '100 W', 'kW', '10 kW', '100 kW', 'MW', '10 MW', '100 MW', 'kJ/h', '10 kJ/h', '100 kJ/h',
  'MJ/h', '10 MJ/h', '100 MJ/h', 'GJ/h', '10 GJ/h', '100 GJ/h', 'ml', '10 ml', '100 ml', 'l', '10 l', '100 l', 'm^3', '10 m^3', '100 m^3',
  'ml/h', '10 ml/h', '100 ml/h', 'l/h', '10 l/h', '100 l/h', 'm^3/h', '10 m^3/h', '100 m^3/h', '1e-3 °C', 'units for HCA', 'reserved',
  'reserved', 'reserved', 'reserved', 'reserved but historic', 'without units',
];
const FUNCTIONS = ['Instantaneous value', 'Maximum value', 'Minimum value', 'Value during error state'];
const DATA_LENGTH = [0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 8];

function medium(code: number): string {
  return MEDIA[code] ?? (code >= 0x22 && code <= 0xff ? 'Reserved' : 'Unknown medium');
}

/** The BCD digits as hex text, most significant byte first (libmbus prints ids so). */
function bcdHex(bytes: Uint8Array): string {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v.toString(16).toUpperCase();
}

function manufacturer(lo: number, hi: number): string {
  const m = lo | (hi << 8);
  return String.fromCharCode(((m >> 10) & 0x1f) + 64, ((m >> 5) & 0x1f) + 64, (m & 0x1f) + 64);
}

/** Little-endian two's complement; 6 and 8 bytes through BigInt. */
function int(bytes: Uint8Array): number {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return Number(v);
}

/** BCD, least significant byte first; a high nibble F in the last byte makes it negative, other nibbles above 9 count as 0 (as libmbus reads them). */
function bcd(bytes: Uint8Array): number {
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) {
    v *= 10;
    if (bytes[i]! >> 4 < 0xa) v += bytes[i]! >> 4;
    v = v * 10 + (bytes[i]! & 0xf);
  }
  return bytes[bytes.length - 1]! >> 4 === 0xf ? -v : v;
}

/** Bytes as libmbus prints raw data: two upper-case hex digits each, single spaces. */
function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** A variable-length binary value (LVAR above BF), most significant byte first. */
function hexReversed(bytes: Uint8Array): string {
  return hexBytes(bytes.slice().reverse());
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Date types G (2 bytes), F (4 bytes) and I (6 bytes), as libmbus formats them. */
function dateText(d: Uint8Array): string {
  let sec = 0, min = 0, hour = 0, mday = 0, mon = 0, year = 0;
  if (d.length === 6) {
    if ((d[1]! & 0x80) === 0) {
      sec = d[0]! & 0x3f;
      min = d[1]! & 0x3f;
      hour = d[2]! & 0x1f;
      mday = d[3]! & 0x1f;
      mon = (d[4]! & 0x0f) - 1;
      year = 100 + (((d[3]! & 0xe0) >> 5) | ((d[4]! & 0xf0) >> 1));
    }
  } else if (d.length === 4) {
    if ((d[0]! & 0x80) === 0) {
      min = d[0]! & 0x3f;
      hour = d[1]! & 0x1f;
      mday = d[2]! & 0x1f;
      mon = (d[3]! & 0x0f) - 1;
      const y = ((d[2]! & 0xe0) >> 5) | ((d[3]! & 0xf0) >> 1);
      let hundred = (d[1]! & 0x60) >> 5;
      if (hundred === 0 && y <= 80) hundred = 1;
      year = 100 * hundred + y;
    }
  } else {
    mday = d[0]! & 0x1f;
    mon = (d[1]! & 0x0f) - 1;
    year = 100 + (((d[0]! & 0xe0) >> 5) | ((d[1]! & 0xf0) >> 1));
    return `${pad(year + 1900, 4)}-${pad(mon + 1)}-${pad(mday)}`;
  }
  return `${pad(year + 1900, 4)}-${pad(mon + 1)}-${pad(mday)}T${pad(hour)}:${pad(min)}:${pad(sec)}Z`;
}

interface RawRecord {
  dif: number;
  dife: number[];
  vif: number;
  vife: number[];
  customVif: string;
  data: Uint8Array;
}

/**
 * Decodes an M-Bus RSP_UD long frame (EN 13757-2/-3): the fixed data structure (CI 0x73,
 * 0x77) or the variable one (CI 0x72, 0x76), every record with its function, storage
 * number, tariff, subunit, unit, quantity and scaled value — the values and names libmbus's
 * normalized XML gives. A frame that is not a complete long frame, or whose records run
 * past its end, is a TelegramError naming the byte.
 */
export function decodeTelegram(frame: Uint8Array): DecodedTelegram {
  if (frame.length < 9) throw new TelegramError(`a long frame has at least 9 bytes, this one ${frame.length}`, frame.length);
  if (frame[0] !== 0x68 || frame[3] !== 0x68) throw new TelegramError('not a long frame: it must start 68 L L 68', frame[0] !== 0x68 ? 0 : 3);
  const length = frame[1]!;
  if (frame[2] !== length) throw new TelegramError(`the two length bytes differ (${length} and ${frame[2]})`, 2);
  if (frame.length < length + 6) throw new TelegramError(`the frame ends after ${frame.length} bytes; its length byte promises ${length + 6}`, frame.length);
  let sum = 0;
  for (let i = 4; i < 4 + length; i++) sum = (sum + frame[i]!) & 0xff;
  if (frame[4 + length] !== sum) throw new TelegramError(`checksum ${frame[4 + length]!.toString(16).toUpperCase().padStart(2, '0')}, expected ${sum.toString(16).toUpperCase().padStart(2, '0')}`, 4 + length);
  if (frame[5 + length] !== 0x16) throw new TelegramError('the stop byte 16 is missing', 5 + length);
  const ci = frame[6]!;
  const data = frame.subarray(7, 4 + length);
  const base = 7;
  if (ci === 0x70) {
    const text = data.length ? (APPLICATION_ERRORS[data[0]!] ?? 'Unspecified error') : 'Unspecified error';
    throw new TelegramError(`the meter reports an application error: ${text}`, 7, text);
  }
  if (ci === 0x73 || ci === 0x77) return decodeFixed(data, base);
  if (ci !== 0x72 && ci !== 0x76) throw new TelegramError(`CI field ${ci.toString(16).toUpperCase().padStart(2, '0')} is not a response with data (72, 76, 73, 77)`, 6);
  if (data.length < 12) throw new TelegramError('the variable data header is shorter than 12 bytes', base + data.length);
  const slave: SlaveInfo = {
    id: bcdHex(data.subarray(0, 4)),
    manufacturer: manufacturer(data[4]!, data[5]!),
    version: data[6]!,
    medium: medium(data[7]!),
    accessNumber: data[8]!,
    status: data[9]!.toString(16).toUpperCase().padStart(2, '0'),
  };
  const raw = parseRecords(data, 12, base);
  const records: DecodedRecord[] = [];
  const undecoded: DecodedTelegram['undecoded'] = [];
  raw.forEach((r, index) => {
    const decoded = decodeRecord(r);
    if (typeof decoded === 'string') undecoded.push({ index, reason: decoded });
    else records.push(decoded);
  });
  return { slave, records, undecoded };
}

function decodeFixed(data: Uint8Array, base: number): DecodedTelegram {
  if (data.length < 16) throw new TelegramError('the fixed data structure is shorter than 16 bytes', base + data.length);
  const status = data[5]!;
  const [t1, t2] = [data[6]!, data[7]!];
  const value = (b: Uint8Array) => ((status & 0x80) === 0 ? Number.parseInt(bcdHex(b), 10) : int(b));
  const fn = (status & 0x40) === 0x40 ? 'Stored value' : 'Actual value';
  const record = (type: number, b: Uint8Array): DecodedRecord => ({ function: fn, storageNumber: 0, tariff: null, subunit: null, unit: FIXED_UNITS[type & 0x3f]!, quantity: null, value: value(b) });
  return {
    slave: { id: bcdHex(data.subarray(0, 4)), manufacturer: null, version: null, medium: FIXED_MEDIA[((t1 & 0xc0) >> 6) | ((t2 & 0xc0) >> 4)]!, accessNumber: data[4]!, status: status.toString(16).toUpperCase().padStart(2, '0') },
    records: [record(t1, data.subarray(8, 12)), record(t2, data.subarray(12, 16))],
    undecoded: [],
  };
}

function parseRecords(data: Uint8Array, start: number, base: number): RawRecord[] {
  const out: RawRecord[] = [];
  let i = start;
  while (i < data.length) {
    const dif = data[i]!;
    if (dif === 0x2f) {
      i++;
      continue;
    }
    if (dif === 0x0f || dif === 0x1f) {
      out.push({ dif, dife: [], vif: 0, vife: [], customVif: '', data: data.subarray(i + 1) });
      break;
    }
    const at = i;
    const dife: number[] = [];
    while (i < data.length && data[i]! & 0x80) {
      if (dife.length >= 10) throw new TelegramError('more than 10 DIFE', base + i);
      if (i + 1 >= data.length) throw new TelegramError('the record ends inside its DIF extensions', base + i + 1);
      dife.push(data[i + 1]!);
      i++;
    }
    i++;
    if (i >= data.length) throw new TelegramError(`the record at byte ${base + at} ends before its VIF`, base + i);
    const vif = data[i++]!;
    let customVif = '';
    if ((vif & 0x7f) === 0x7c) {
      if (i >= data.length) throw new TelegramError('the record ends before its text VIF length', base + i);
      const n = data[i++]!;
      if (i + n > data.length) throw new TelegramError(`the text VIF of ${n} bytes runs past the end`, base + i);
      customVif = String.fromCharCode(...[...data.subarray(i, i + n)].reverse());
      i += n;
    }
    const vife: number[] = [];
    if (vif & 0x80) {
      if (i >= data.length) throw new TelegramError('the record ends before its VIF extension', base + i);
      vife.push(data[i]!);
      while (i < data.length && data[i]! & 0x80) {
        if (vife.length >= 10) throw new TelegramError('more than 10 VIFE', base + i);
        if (i + 1 >= data.length) throw new TelegramError('the record ends inside its VIF extensions', base + i + 1);
        vife.push(data[i + 1]!);
        i++;
      }
      i++;
    }
    let len = DATA_LENGTH[dif & 0x0f]!;
    if ((dif & 0x0f) === 0x0d) {
      if (i >= data.length) throw new TelegramError('the variable-length record has no length byte', base + i);
      const l = data[i]!;
      len = l <= 0xbf ? l : l <= 0xc9 ? (l - 0xc0) * 2 : l >= 0xd0 && l <= 0xd9 ? (l - 0xd0) * 2 : l >= 0xe0 && l <= 0xef ? l - 0xe0 : l >= 0xf0 && l <= 0xf4 ? (l - 0xec) * 4 : l === 0xf5 ? 48 : l === 0xf6 ? 64 : 0;
      len++;
    }
    if (i + len > data.length) throw new TelegramError(`the record at byte ${base + at} needs ${len} data bytes, ${data.length - i} are left`, base + data.length);
    out.push({ dif, dife, vif, vife, customVif, data: data.subarray(i, i + len) });
    i += len;
  }
  return out;
}

function decodeRecord(r: RawRecord): DecodedRecord | string {
  let storageNumber = (r.dif & 0x40) >> 6;
  let tariff: number | null = r.dife.length ? 0 : null;
  let subunit: number | null = r.dife.length ? 0 : null;
  r.dife.forEach((d, k) => {
    storageNumber |= (d & 0x0f) << (1 + 4 * k);
    tariff! |= ((d & 0x30) >> 4) << (2 * k);
    subunit! |= ((d & 0x40) >> 6) << k;
  });
  if (r.dif === 0x0f || r.dif === 0x1f) {
    // Manufacturer-specific data to the end of the telegram, kept raw.
    return { function: r.dif === 0x1f ? 'More records follow' : 'Manufacturer specific', storageNumber, tariff, subunit, unit: null, quantity: null, value: hexBytes(r.data) };
  }
  const vif = r.vif & 0x7f;
  const vife0 = (r.vife[0] ?? 0) & 0x7f;
  const type = r.dif & 0x0f;
  let raw: number | string;
  const isDateTime = vif === 0x6d || (r.vif === 0xfd && (vife0 === 0x30 || vife0 === 0x70));
  switch (type) {
    case 0x00:
      raw = '';
      break;
    case 0x01:
    case 0x03:
    case 0x07:
      raw = int(r.data);
      break;
    case 0x02:
      raw = vif === 0x6c ? dateText(r.data) : int(r.data);
      break;
    case 0x04:
    case 0x06:
      raw = isDateTime ? dateText(r.data) : int(r.data);
      break;
    case 0x05:
      raw = new DataView(r.data.buffer, r.data.byteOffset, 4).getFloat32(0, true);
      break;
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0e:
      raw = bcd(r.data);
      break;
    case 0x0d:
      raw = r.data[0]! <= 0xbf ? String.fromCharCode(...[...r.data.subarray(1)].reverse()) : hexReversed(r.data.subarray(1));
      break;
    case 0x0f:
      raw = hexBytes(r.data);
      break;
    default:
      return `DIF ${r.dif.toString(16).toUpperCase().padStart(2, '0')}: no data to read (selection for readout)`;
  }
  let unit: string;
  let quantity: string;
  let factor = 1;
  if (r.vif === 0xfd || r.vif === 0xfb) {
    if (!r.vife.length) return `VIF ${r.vif.toString(16).toUpperCase()} without its extension`;
    const info = vifInfo((r.vif === 0xfd ? 0x100 : 0x200) | vife0);
    if (!info) return `unknown VIF extension ${r.vife[0]!.toString(16).toUpperCase()}`;
    ({ unit, quantity, factor } = info);
  } else if (vif === 0x7c) {
    unit = '-';
    quantity = r.customVif;
  } else {
    const info = vifInfo(vif);
    if (!info) return `unknown VIF ${r.vif.toString(16).toUpperCase().padStart(2, '0')}`;
    ({ unit, quantity, factor } = info);
  }
  let value: number | string = raw;
  if (typeof raw === 'number') {
    let v = vif === 0x7c ? raw : raw * factor;
    if (r.vif & 0x80 && r.vif !== 0xfd && r.vif !== 0xfb) {
      const e = r.vife[0]! & 0x7f;
      if (e >= 0x70 && e <= 0x77) v *= Math.pow(10, (r.vife[0]! & 0x07) - 6);
      else if (e >= 0x78 && e <= 0x7b) v += Math.pow(10, (r.vife[0]! & 0x03) - 3);
      else if (e === 0x7d) v *= 1000;
    }
    value = v;
  }
  return { function: FUNCTIONS[(r.dif & 0x30) >> 4]!, storageNumber, tariff, subunit, unit, quantity, value };
}
