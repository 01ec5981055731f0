import { expect } from 'chai';
import { toGcal } from '../../src/plugin-api/meter-consumption.js';

// Expected quotients: Python's decimal module, 60 digits, ROUND_HALF_EVEN (an independent implementation).
const ONE_GJ = '0.238845896627495939619757332569026464125346326550109869112449';
const ONE_MJ = '0.000238845896627495939619757332569026464125346326550109869112449';
const ONE_MWH = '0.859845227858985382631126397248495270851246775580395528804815';
const ONE_KWH = '0.000859845227858985382631126397248495270851246775580395528804815';

describe('plugin-api/meter-consumption', () => {
  describe('toGcal()', () => {
    it('keeps Gcal as they are', () => {
      expect(toGcal('12.345', 'Gcal')).to.equal('12.345');
      expect(toGcal('0', 'Gcal')).to.equal('0');
    });

    it('divides GJ by 4.1868 exactly when the quotient ends (8.3736 GJ = 2 Gcal)', () => {
      expect(toGcal('4.1868', 'GJ')).to.equal('1');
      expect(toGcal('8.3736', 'GJ')).to.equal('2');
      expect(toGcal('-8.3736', 'GJ')).to.equal('-2');
      expect(toGcal('0.41868', 'GJ')).to.equal('0.1');
    });

    it('rounds a quotient that does not end once, to 60 significant digits', () => {
      expect(toGcal('1', 'GJ')).to.equal(ONE_GJ);
      expect(toGcal('123.456789', 'GJ')).to.equal('29.4871474634565778159931212381771281169389509888220120378332');
      // Multiplying by a rounded 1/4.1868 (or 3.6/4.1868) instead gives …136811 and …1169389 here.
      expect(toGcal('2.740', 'GJ')).to.equal('0.654437756759338874558135091239132511703448934747301041368109');
      expect(toGcal('20.550', 'MWh')).to.equal('17.669819432502149613069647463456577815993121238177128116939');
    });

    it('divides MJ by 4186.8', () => {
      expect(toGcal('4186.8', 'MJ')).to.equal('1');
      expect(toGcal('2093.4', 'MJ')).to.equal('0.5');
      expect(toGcal('1', 'MJ')).to.equal(ONE_MJ);
    });

    it('divides MWh by 1.163 (1 MWh = 3.6 GJ)', () => {
      expect(toGcal('1.163', 'MWh')).to.equal('1');
      expect(toGcal('2.326', 'MWh')).to.equal('2');
      expect(toGcal('1', 'MWh')).to.equal(ONE_MWH);
      // 3.6 GJ and 1 MWh are the same energy.
      expect(toGcal('3.6', 'GJ')).to.equal(ONE_MWH);
    });

    it('divides kWh by 1163', () => {
      expect(toGcal('1163', 'kWh')).to.equal('1');
      expect(toGcal('581.5', 'kWh')).to.equal('0.5');
      expect(toGcal('1', 'kWh')).to.equal(ONE_KWH);
      expect(toGcal('1000', 'kWh')).to.equal(toGcal('1', 'MWh'));
    });

    it('gives undefined for a unit that is not energy, including names on Object.prototype', () => {
      for (const unit of ['m3', 'units', 'gcal', 'Wh', 'toString', '__proto__', 'constructor', '']) expect(toGcal('1', unit), unit).to.equal(undefined);
    });
  });
});
