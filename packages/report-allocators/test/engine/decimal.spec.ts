import { expect } from 'chai';
import { toGcal as coreToGcal } from '@openamr/core/plugin-api';
import { D, toGcal, type HeatUnit } from '../../src/engine/decimal.js';

describe('engine/decimal', () => {
  describe('toGcal()', () => {
    it('converts exactly as the core’s toGcal, the heat-meter report’s (same factors, same decimals)', () => {
      const units: HeatUnit[] = ['Gcal', 'GJ', 'MWh', 'kWh'];
      const values = ['0', '1', '2.740', '8.3736', '0.0001', '123456.789', '999999999.999', '3.14159265358979323846'];
      for (const unit of units) for (const v of values) expect(toGcal(new D(v), unit).toString(), `${v} ${unit}`).to.equal(coreToGcal(v, unit));
      expect(toGcal(new D('8.3736'), 'GJ').toString()).to.equal('2');
    });
  });
});
