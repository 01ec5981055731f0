import { expect } from 'chai';
import { Decimal } from 'decimal.js';
import { decodeRule, encodeRule, MODBUS_DEVICE_TYPES, eastronSdm630, planReads, shortestFloat32, type ReadBlock, type RegisterRule } from '../src/index.js';

const block = (address: number, count: number, table: 'input' | 'holding' = 'holding'): ReadBlock => ({ table, address, count, rules: [] });

describe('register-map', () => {
  describe('planReads()', () => {
    it('reads the SDM630 map in one request per contiguous run of registers', () => {
      expect(planReads(eastronSdm630.registers).map((b) => [b.table, b.address, b.count])).to.deep.equal([
        ['input', 0x00, 0x12],
        ['input', 0x34, 2],
        ['input', 0x48, 8],
        ['input', 0x156, 2],
      ]);
    });

    it('spans gaps up to maxGap and splits at maxCount', () => {
      expect(planReads(eastronSdm630.registers, 60).map((b) => [b.address, b.count])).to.deep.equal([
        [0x00, 0x50],
        [0x156, 2],
      ]);
      expect(planReads(eastronSdm630.registers, 60, 40).map((b) => [b.address, b.count])).to.deep.equal([
        [0x00, 0x12],
        [0x34, 0x1c],
        [0x156, 2],
      ]);
    });

    it('keeps input and holding registers in separate requests', () => {
      const rules: RegisterRule[] = [
        { key: 'a', table: 'holding', address: 0, type: 'uint16' },
        { key: 'b', table: 'input', address: 1, type: 'uint16' },
      ];
      expect(planReads(rules, 10).map((b) => [b.table, b.address, b.count])).to.deep.equal([
        ['input', 1, 1],
        ['holding', 0, 1],
      ]);
    });
  });

  describe('decodeRule()', () => {
    it('decodes float32 high word first to the shortest decimal that is the same float', () => {
      const rule: RegisterRule = { key: 'e', table: 'input', address: 0x48, type: 'float32' };
      // 12345.67 as an SDM630 sends it: 0x4640E6AE.
      expect(decodeRule(rule, block(0x48, 2, 'input'), [0x4640, 0xe6ae])).to.equal('12345.67');
      expect(decodeRule({ ...rule, scale: '0.001' }, block(0x48, 2, 'input'), [0x4497, 0x0ccd])).to.equal('1.2084');
      expect(decodeRule({ ...rule, wordOrder: 'little' }, block(0x48, 2, 'input'), [0xe6ae, 0x4640])).to.equal('12345.67');
    });

    it('decodes integers with their word order, sign and scale', () => {
      expect(decodeRule({ key: 'e', table: 'holding', address: 10, type: 'uint32', scale: '0.01' }, block(10, 4), [0x0001, 0x0002, 0, 0])).to.equal('655.38');
      expect(decodeRule({ key: 'e', table: 'holding', address: 10, type: 'uint32', wordOrder: 'little', scale: '0.01' }, block(10, 4), [0x0002, 0x0001, 0, 0])).to.equal('655.38');
      // EM340: -1150 (W×10), low word first.
      expect(decodeRule({ key: 'p', table: 'holding', address: 0x14, type: 'int32', wordOrder: 'little', scale: '0.0001' }, block(0x14, 2), [0xfb82, 0xffff])).to.equal('-0.115');
      expect(decodeRule({ key: 't', table: 'holding', address: 12, type: 'int16', scale: '0.1' }, block(10, 4), [0, 0, 0xffce, 0])).to.equal('-5');
      expect(decodeRule({ key: 'n', table: 'holding', address: 13, type: 'uint16' }, block(10, 4), [0, 0, 0, 0xffce])).to.equal('65486');
    });

    it('refuses a float that is not a number', () => {
      expect(() => decodeRule({ key: 'x', table: 'input', address: 0, type: 'float32' }, block(0, 2, 'input'), [0x7fc0, 0])).to.throw(RangeError, 'в регистре 0x0000 не число (NaN)');
      expect(() => decodeRule({ key: 'x', table: 'input', address: 2, type: 'float32' }, block(0, 4, 'input'), [0, 0, 0x7f80, 0])).to.throw(RangeError, 'не число (Infinity)');
    });
  });

  describe('shortestFloat32()', () => {
    it('gives the digits a float32 holds, no more', () => {
      expect(shortestFloat32(Math.fround(0.1))).to.equal('0.1');
      expect(shortestFloat32(Math.fround(123456.78))).to.equal('123456.78');
      // 2^24 + 1 is not a float32: it reads as 2^24, in full (7 digits would give 16777220).
      expect(shortestFloat32(Math.fround(16777217))).to.equal('16777216');
      expect(shortestFloat32(0)).to.equal('0');
    });
  });

  describe('encodeRule()', () => {
    for (const type of MODBUS_DEVICE_TYPES) {
      it(`is undone by decodeRule for every register of ${type.id}`, () => {
        const blocks = planReads(type.registers);
        type.registers.forEach((rule, i) => {
          // A raw register value the type holds exactly, and the quantity it stands for.
          const raw = rule.type === 'float32' ? 1000 + i * 12.5 : rule.type.startsWith('u') ? 7 + i : -3 + i;
          const value = new Decimal(raw).mul(rule.scale ?? '1');
          const b = blocks.find((x) => x.rules.includes(rule))!;
          const words = new Array(b.count).fill(0);
          encodeRule(rule, value.toNumber()).forEach((w, k) => (words[rule.address - b.address + k] = w));
          expect(decodeRule(rule, b, words), rule.key).to.equal(value.toString());
        });
      });
    }
  });
});
