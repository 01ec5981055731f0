import { Decimal } from 'decimal.js';
import type { DeviceType } from '@openamr/core/plugin-api';

export type RegisterTable = 'input' | 'holding';
export type RegisterType = 'float32' | 'uint32' | 'int32' | 'uint16' | 'int16';

/** One quantity in a meter's register map: where it is, how it is encoded, how it scales. */
export interface RegisterRule {
  /** The device type's quantity key. */
  key: string;
  table: RegisterTable;
  /** The first register (0-based protocol address, e.g. 0x0048). */
  address: number;
  type: RegisterType;
  /** For 32-bit values: which 16-bit word comes first. Default `big` (high word first). */
  wordOrder?: 'big' | 'little';
  /** Multiplier to the quantity's unit, as a decimal string (e.g. `0.001` for W → kW). Default `1`. */
  scale?: string;
}

/** A device type of this plugin: the registry's data plus the meter's register map. */
export interface ModbusDeviceType extends DeviceType {
  registers: readonly RegisterRule[];
  /**
   * Registers that may be read across in one request between two mapped ones (a meter that
   * answers unmapped registers). Default 0: one request per contiguous run.
   */
  readGap?: number;
}

/** The part the registry keeps (the core's device type, without the register map). */
export function registryDeviceType(t: ModbusDeviceType): DeviceType {
  const { registers: _registers, readGap: _gap, ...deviceType } = t;
  return deviceType;
}

export const WORDS: Record<RegisterType, number> = { float32: 2, uint32: 2, int32: 2, uint16: 1, int16: 1 };

/** A read request: `count` registers of `table` from `address`, and the rules it serves. */
export interface ReadBlock {
  table: RegisterTable;
  address: number;
  count: number;
  rules: RegisterRule[];
}

/**
 * The fewest requests that read every rule: registers of a table that follow each other (or
 * with a gap of at most `maxGap`) go in one request of at most `maxCount` registers (Modbus
 * allows 125).
 */
export function planReads(rules: readonly RegisterRule[], maxGap = 0, maxCount = 100): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  for (const table of ['input', 'holding'] as const) {
    const sorted = rules.filter((r) => r.table === table).sort((a, b) => a.address - b.address);
    let block: ReadBlock | undefined;
    for (const r of sorted) {
      const end = r.address + WORDS[r.type];
      if (block && r.address - (block.address + block.count) <= maxGap && end - block.address <= maxCount) {
        block.count = Math.max(block.count, end - block.address);
        block.rules.push(r);
      } else {
        block = { table, address: r.address, count: WORDS[r.type], rules: [r] };
        blocks.push(block);
      }
    }
  }
  return blocks;
}

/** The value of a rule from the registers of its block, as an exact decimal string. */
export function decodeRule(rule: RegisterRule, block: ReadBlock, words: readonly number[]): string {
  const at = rule.address - block.address;
  const buf = Buffer.alloc(4);
  if (WORDS[rule.type] === 2) {
    const [hi, lo] = rule.wordOrder === 'little' ? [words[at + 1]!, words[at]!] : [words[at]!, words[at + 1]!];
    buf.writeUInt16BE(hi, 0);
    buf.writeUInt16BE(lo, 2);
  } else {
    buf.writeUInt16BE(words[at]!, 0);
  }
  let raw: Decimal;
  switch (rule.type) {
    case 'float32': {
      const f = buf.readFloatBE(0);
      if (!Number.isFinite(f)) throw new RangeError(`в регистре 0x${rule.address.toString(16).padStart(4, '0')} не число (${f})`);
      raw = new Decimal(shortestFloat32(f));
      break;
    }
    case 'uint32':
      raw = new Decimal(buf.readUInt32BE(0));
      break;
    case 'int32':
      raw = new Decimal(buf.readInt32BE(0));
      break;
    case 'uint16':
      raw = new Decimal(buf.readUInt16BE(0));
      break;
    case 'int16':
      raw = new Decimal(buf.readInt16BE(0));
      break;
  }
  return raw.mul(rule.scale ?? '1').toString();
}

/**
 * The shortest decimal that reads back as the same float32: what the meter's display shows
 * (12345.67, not 12345.669921875), since a float32 carries no more digits than that.
 */
export function shortestFloat32(f: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) return s;
  }
  return f.toPrecision(9);
}

/** The registers a value is written to (the inverse of decodeRule, for simulators and tests). */
export function encodeRule(rule: RegisterRule, value: number): number[] {
  const buf = Buffer.alloc(4);
  const v = new Decimal(value).div(rule.scale ?? '1').toNumber();
  if (rule.type === 'float32') buf.writeFloatBE(v, 0);
  else if (rule.type === 'uint32') buf.writeUInt32BE(Math.round(v), 0);
  else if (rule.type === 'int32') buf.writeInt32BE(Math.round(v), 0);
  else if (rule.type === 'uint16') buf.writeUInt16BE(Math.round(v), 0);
  else buf.writeInt16BE(Math.round(v), 0);
  const words = WORDS[rule.type] === 2 ? [buf.readUInt16BE(0), buf.readUInt16BE(2)] : [buf.readUInt16BE(0)];
  return rule.wordOrder === 'little' ? words.reverse() : words;
}
