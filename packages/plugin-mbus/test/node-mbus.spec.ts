import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeTelegram, parseHex, startMbusSimulator, type DecodedRecord } from '../src/index.js';
import { CORPUS, corpusFrames } from './corpus.js';

interface LibmbusRecord {
  id: number;
  Function?: string;
  StorageNumber?: number;
  Tariff?: number;
  Device?: number;
  Unit?: string;
  Value?: unknown;
}
const MbusMaster = createRequire(import.meta.url)('node-mbus') as new (o: object) => {
  getDataAsync(address: number, o: { pingFirst: boolean }): Promise<{ SlaveInformation: Record<string, unknown>; DataRecord?: LibmbusRecord[] }>;
  closeAsync(): Promise<void>;
};

const PREFIX: Record<string, number> = { '': 1, m: 1e-3, my: 1e-6, '10 ': 10, '100 ': 100, k: 1e3, '10 k': 1e4, '100 k': 1e5, M: 1e6, G: 1e9 };
/** libmbus's plain base units → the decoder's (normalized) unit. */
const BASE: Record<string, string> = {
  Wh: 'Wh', J: 'J', 'm^3': 'm^3', W: 'W', 'deg C': '°C', K: 'K', bar: 'bar', kg: 'kg', 'm^3/h': 'm^3/h', 'J/h': 'J/h', 'm^3/min': 'm^3/min', 'm^3/s': 'm^3/s', 'kg/h': 'kg/h',
};
const TIME: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** libmbus's plain unit text "Volume (1e-2 m^3)" → the decoder's unit and the factor to it, when it is a scaled physical unit or a time. */
function unitOf(unit: string | undefined): { unit: string; factor: number } | undefined {
  const time = /\((seconds|minutes|hours|days)\)$/.exec(unit ?? '');
  if (time) return { unit: 's', factor: TIME[time[1]!]! };
  const m = /\((1e-?\d+ |10 k|100 k|10 |100 |my|m|k|M|G)?\s*([^()]+)\)$/.exec(unit ?? '');
  // A temperature difference is in K, as libmbus's normalized XML has it (its plain XML says "deg C").
  const base = m && (/^Temperature Difference/.test(unit!) && m[2]!.trim() === 'deg C' ? 'K' : BASE[m[2]!.trim()]);
  if (!base) return undefined;
  const p = m[1] ?? '';
  return { unit: base, factor: p.startsWith('1e') ? Number(p.trim()) : PREFIX[p]! };
}

const frameOf = (name: string) => parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8'));

/**
 * Frames node-mbus cannot read, with the reason. node-mbus vendors a libmbus older than the
 * one that wrote the corpus XML.
 */
const REFUSED: Record<string, string> = {
  'example_binary16_lvar.hex': 'a binary LVAR of F0–F6 (16+ bytes): the older libmbus fails to parse the frame',
};

/**
 * The wire path with libmbus itself: every corpus frame (variable and fixed structure)
 * served by the simulator, read by node-mbus (libmbus over TCP, its plain XML), agrees with
 * our decoder on the slave and, record by record, on the function, storage number, tariff
 * and subunit, on the unit of every record libmbus gives in a scaled physical unit or a
 * time, and on its value.
 */
describe('plugin-mbus: node-mbus (libmbus) reading the simulator agrees with the decoder', function () {
  this.timeout(120_000);
  it('on every corpus frame', async () => {
    const names = corpusFrames();
    const frames = names.map(frameOf);
    const sim = await startMbusSimulator({ slaves: frames.map((frame, i) => ({ address: i + 1, frame })) });
    const master = new MbusMaster({ host: '127.0.0.1', port: sim.port, timeout: 50, autoConnect: true });
    const compared = { records: 0, function: 0, storageNumber: 0, tariff: 0, subunit: 0, unit: 0, value: 0 };
    const refused: string[] = [];
    const read: string[] = [];
    const disagree: string[] = [];
    const same = (what: string, ours: unknown, theirs: unknown) => {
      if (ours !== theirs) disagree.push(`${what}: ours ${JSON.stringify(ours)}, libmbus ${JSON.stringify(theirs)}`);
    };
    try {
      for (const [i, name] of names.entries()) {
        const ours = decodeTelegram(frames[i]!);
        let theirs;
        try {
          theirs = await master.getDataAsync(i + 1, { pingFirst: false });
        } catch (err) {
          refused.push(name);
          continue;
        }
        read.push(name);
        const s = theirs.SlaveInformation;
        // node-mbus turns the id into a number the way parseInt does (TOOLCHAIN.md: "numbers are parsed loosely").
        same(`${name} id`, String(parseInt(ours.slave.id, 10)), String(s.Id));
        same(`${name} manufacturer`, ours.slave.manufacturer, s.Manufacturer ?? null);
        same(`${name} version`, ours.slave.version, s.Version ?? null);
        same(`${name} medium`, ours.slave.medium, s.Medium);
        same(`${name} access number`, ours.slave.accessNumber, Number(s.AccessNumber));
        const skipped = new Set(ours.undecoded.map((u) => u.index));
        const byIndex = new Map<number, DecodedRecord>();
        let k = 0;
        for (let j = 0; k < ours.records.length; j++) if (!skipped.has(j)) byIndex.set(j, ours.records[k++]!);
        // A frame whose last DIF says "more records follow" is asked again by libmbus (the simulator answers the same frame): the first answer's records are compared.
        const first = (theirs.DataRecord ?? []).filter((r, j, all) => all.findIndex((x) => x.id === r.id) === j);
        for (const r of first) {
          const mine = byIndex.get(Number(r.id));
          if (!mine) continue;
          const at = `${name} record ${r.id} (${r.Unit})`;
          compared.records++;
          if (r.Function !== undefined && r.Function !== 'More records follow' && r.Function !== 'Manufacturer specific') {
            same(`${at} function`, mine.function, r.Function);
            compared.function++;
          }
          if (r.StorageNumber !== undefined) {
            same(`${at} storage number`, mine.storageNumber, Number(r.StorageNumber));
            compared.storageNumber++;
          }
          if (r.Tariff !== undefined) {
            same(`${at} tariff`, mine.tariff ?? 0, Number(r.Tariff));
            compared.tariff++;
          }
          if (r.Device !== undefined) {
            same(`${at} subunit`, mine.subunit ?? 0, Number(r.Device));
            compared.subunit++;
          }
          // A fixed-structure frame (no manufacturer) gives plain units ("l", "kWh") in both.
          const u = unitOf(r.Unit) ?? (ours.slave.manufacturer === null && r.Unit ? { unit: r.Unit, factor: 1 } : undefined);
          if (!u || typeof mine.value !== 'number' || typeof r.Value !== 'number') continue;
          same(`${at} unit`, mine.unit, u.unit);
          compared.unit++;
          const expected = r.Value * u.factor;
          // libmbus prints reals with six decimals.
          if (Math.abs(mine.value - expected) > 5e-7 * u.factor + 1e-9 * Math.abs(expected)) disagree.push(`${at} value: ours ${mine.value}, libmbus ${r.Value} × ${u.factor}`);
          compared.value++;
        }
      }
    } finally {
      await master.closeAsync();
      await sim.close();
    }
    expect(disagree).to.deep.equal([]);
    expect(refused).to.deep.equal(Object.keys(REFUSED));
    expect(read).to.include.members(['manual_frame2.hex', 'sen_pollusonic_2.hex']); // fixed structure (CI 73)
    expect(compared).to.deep.include({ records: 596, function: 568, storageNumber: 564, tariff: 153, subunit: 153, unit: 353, value: 353 });
  });
});
