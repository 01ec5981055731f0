import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { decodeTelegram, parseHex, type DecodedRecord } from '../src/decoder/telegram.js';
import { CORPUS, corpusFrames, readNormXml } from './corpus.js';

/** libmbus prints numbers with %f: equal when they agree to its six decimals. */
function sameNumber(ours: number, theirs: string): boolean {
  const t = Number(theirs);
  return Math.abs(ours - t) <= 5e-7 + Math.abs(t) * 1e-12 || ours.toFixed(6) === theirs;
}

describe('plugin-mbus: the EN 13757-3 decoder against libmbus on every corpus frame', () => {
  for (const name of corpusFrames()) {
    const xmlPath = `${CORPUS}frames/${name.replace(/\.hex$/, '.norm.xml')}`;
    if (!existsSync(xmlPath)) continue;
    it(name, () => {
      const decoded = decodeTelegram(parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8')));
      const lib = readNormXml(xmlPath);
      expect(decoded.slave.id, 'Id').to.equal(lib.slave.Id);
      if (lib.slave.Manufacturer !== undefined) expect(decoded.slave.manufacturer, 'Manufacturer').to.equal(lib.slave.Manufacturer);
      if (lib.slave.Version !== undefined) expect(decoded.slave.version, 'Version').to.equal(Number(lib.slave.Version));
      expect(decoded.slave.medium, 'Medium').to.equal(lib.slave.Medium);
      expect(decoded.slave.accessNumber, 'AccessNumber').to.equal(Number(lib.slave.AccessNumber));
      expect(decoded.slave.status, 'Status').to.equal(lib.slave.Status);
      // Records libmbus could not normalize are empty DataRecords; ours are listed as undecoded.
      const byIndex = new Map<number, DecodedRecord>();
      let k = 0;
      const skipped = new Set(decoded.undecoded.map((u) => u.index));
      for (let i = 0; k < decoded.records.length; i++) if (!skipped.has(i)) byIndex.set(i, decoded.records[k++]!);
      expect(decoded.records.length + decoded.undecoded.length, 'number of records').to.equal(lib.records.length);
      for (const rec of lib.records) {
        const where = `record ${rec.id}`;
        if (!Object.keys(rec.fields).length) {
          expect(skipped.has(rec.id), `${where}: libmbus could not decode it`).to.equal(true);
          continue;
        }
        const ours = byIndex.get(rec.id)!;
        expect(ours, where).to.not.equal(undefined);
        expect(ours.function, `${where} Function`).to.equal(rec.fields.Function);
        if (rec.fields.StorageNumber !== undefined) expect(ours.storageNumber, `${where} StorageNumber`).to.equal(Number(rec.fields.StorageNumber));
        if (rec.fields.Tariff !== undefined) {
          expect(ours.tariff, `${where} Tariff`).to.equal(Number(rec.fields.Tariff));
          expect(ours.subunit, `${where} Device`).to.equal(Number(rec.fields.Device));
        } else expect(ours.tariff, `${where} Tariff`).to.equal(null);
        expect(ours.unit ?? '', `${where} Unit`).to.equal(rec.fields.Unit ?? '');
        if (rec.fields.Quantity !== undefined) expect(ours.quantity ?? '', `${where} Quantity`).to.equal(rec.fields.Quantity);
        const value = rec.fields.Value ?? '';
        if (typeof ours.value === 'number') expect(sameNumber(ours.value, value), `${where} Value ${ours.value} vs ${value}`).to.equal(true);
        else expect(ours.value, `${where} Value`).to.equal(value);
      }
    });
  }
});
