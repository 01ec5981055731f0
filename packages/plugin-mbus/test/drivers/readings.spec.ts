import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { decodeTelegram, parseHex, telegramReading } from '../../src/index.js';
import { CORPUS } from '../corpus.js';

const AT = '2026-03-01T10:15:42.123Z';

/** An RSP_UD long frame (CI 72) of a heat meter (medium 04, manufacturer "ZZZ", no model of ours) with these records. */
function heatTelegram(records: number[]): Uint8Array {
  const header = [0x78, 0x56, 0x34, 0x12, 0x5a, 0x6b, 0x01, 0x04, 0x2a, 0x00, 0x00, 0x00];
  const body = [0x08, 0x01, 0x72, ...header, ...records];
  const cs = body.reduce((a, b) => (a + b) & 0xff, 0);
  return Uint8Array.from([0x68, body.length, body.length, 0x68, ...body, cs, 0x16]);
}
/** DIF 05 (32-bit real), VIF 06 (energy, kWh) with the real's bytes, least significant first. */
const realEnergy = (bytes: number[]) => [0x05, 0x06, ...bytes];
const volume = [0x04, 0x13, 0x39, 0x30, 0x00, 0x00]; // 12345 l

describe('drivers/readings', () => {
  describe('telegramReading()', () => {
    it('reads energy in GJ from VIF FB 08/09 (0.1 GJ, 1 GJ) and in kWh from VIF 06', () => {
      for (const [records, energy, unit] of [
        [[0x04, 0xfb, 0x08, 0xd2, 0x04, 0x00, 0x00], '123.4', 'GJ'], // 1234 × 0.1 GJ
        [[0x04, 0xfb, 0x09, 0xd2, 0x04, 0x00, 0x00], '1234', 'GJ'],
        [[0x04, 0x06, 0xd2, 0x04, 0x00, 0x00], '1234', 'kWh'],
      ] as const) {
        const r = telegramReading(decodeTelegram(heatTelegram([...records, ...volume])), {}, AT);
        expect(r, JSON.stringify(records)).to.deep.equal({
          reading: { meterSerial: '12345678', deviceTypeId: 'core.heat-meter', takenAt: AT, values: { energy, volume: '12.345' }, unit, sourceKey: 'mbus:12345678:2026-03-01T10:15' },
        });
      }
    });

    it('refuses a real that is NaN or infinite as a problem, never a reading "NaN"', () => {
      for (const bytes of [[0x00, 0x00, 0xc0, 0x7f], [0x00, 0x00, 0x80, 0x7f], [0x00, 0x00, 0x80, 0xff]]) {
        const t = decodeTelegram(heatTelegram([...realEnergy(bytes), ...volume]));
        expect(Number.isFinite(t.records[0]!.value), 'the decoder gives the real as it is').to.equal(false);
        const r = telegramReading(t, {}, AT);
        expect(r).to.have.property('problem');
        expect((r as { problem: { code: string; message: string } }).problem.code).to.equal('bad-value');
        expect((r as { problem: { message: string } }).problem.message).to.match(/energy = (NaN|-?Infinity)/);
      }
      // A finite real is read (1.5 kWh).
      expect(telegramReading(decodeTelegram(heatTelegram([...realEnergy([0x00, 0x00, 0xc0, 0x3f]), ...volume])), {}, AT)).to.have.nested.property('reading.values.energy', '1.5');
      // A NaN in a secondary quantity drops that value only, and says so.
      const nanVolume = telegramReading(decodeTelegram(heatTelegram([0x04, 0x06, 0x01, 0x00, 0x00, 0x00, 0x05, 0x13, 0x00, 0x00, 0xc0, 0x7f])), {}, AT);
      expect(nanVolume).to.have.nested.property('reading.values').that.deep.equals({ energy: '1' });
      expect(nanVolume).to.have.property('dropped').that.deep.equals({ code: 'bad-value', message: 'Прибор 12345678: в телеграмме не число, значение не сохранено: volume = NaN' });
      expect(telegramReading(decodeTelegram(heatTelegram([0x04, 0x06, 0x01, 0x00, 0x00, 0x00])), {}, AT)).not.to.have.property('dropped');
    });

    it('gives the error flags (VIF FD 17) as the error code', () => {
      const r = telegramReading(decodeTelegram(heatTelegram([0x04, 0x06, 0x01, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x17, 0x05])), {}, AT);
      expect(r).to.have.nested.property('reading.errorCode', 'E5');
      const clean = telegramReading(decodeTelegram(heatTelegram([0x04, 0x06, 0x01, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x17, 0x00])), {}, AT);
      expect(clean).to.have.property('reading').that.not.have.property('errorCode');
    });

    it('reads a fixed-structure telegram (CI 73) by its counters’ units', () => {
      const t = decodeTelegram(parseHex(readFileSync(`${CORPUS}frames/sen_pollusonic_2.hex`, 'utf8')));
      expect(telegramReading(t, {}, AT)).to.have.nested.property('reading.values').that.deep.equals({ energy: '6531', volume: '0.069' }); // 6531 kWh, 69 l
      const water = decodeTelegram(parseHex(readFileSync(`${CORPUS}frames/manual_frame2.hex`, 'utf8')));
      expect(telegramReading(water, {}, AT)).to.have.nested.property('reading.values').that.deep.equals({ volume: '0.001' }); // 1 l
    });
  });
});
