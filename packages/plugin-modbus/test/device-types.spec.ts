import { expect } from 'chai';
import { describeDeviceType } from '@openamr/core/testing';
import { MODBUS_DEVICE_TYPES } from '../src/index.js';
import { registryDeviceType, WORDS } from '../src/register-map.js';

describe('device-types', () => {
  for (const type of MODBUS_DEVICE_TYPES) {
    describeDeviceType(registryDeviceType(type));

    describe(`${type.id} register map`, () => {
      it('maps every quantity to one register rule and nothing else', () => {
        const keys = type.registers.map((r) => r.key);
        expect(new Set(keys).size, 'a quantity is mapped twice').to.equal(keys.length);
        expect([...keys].sort()).to.deep.equal(type.quantities.map((q) => q.key).sort());
      });

      it('has no two rules on the same register', () => {
        for (const table of ['input', 'holding'] as const) {
          const taken = new Map<number, string>();
          for (const r of type.registers.filter((x) => x.table === table)) {
            for (let a = r.address; a < r.address + WORDS[r.type]; a++) {
              expect(taken.get(a), `${table} register ${a}: ${taken.get(a)} and ${r.key}`).to.equal(undefined);
              taken.set(a, r.key);
            }
          }
        }
      });

      it('gives the registry the device type without its map', () => {
        const registry = registryDeviceType(type);
        expect(registry).to.not.have.property('registers');
        expect(registry).to.deep.include({ id: type.id, primaryQuantity: 'activeEnergy', kind: 'electricity-meter' });
      });
    });
  }
});
