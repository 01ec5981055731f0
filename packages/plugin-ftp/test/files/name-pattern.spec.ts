import { expect } from 'chai';
import { isValidPattern, namePattern } from '../../src/files/name-pattern.js';

describe('namePattern()', () => {
  it('matches .csv and .xlsx by default, in any case, never hidden files', () => {
    const m = namePattern('*.{csv,xlsx}');
    expect(['a.csv', 'B.CSV', 'x.xlsx', 'sub/c.csv'].every(m)).to.equal(true);
    expect(['a.txt', 'a.csv.part', '.a.csv', 'a.xls', 'acsv'].some(m)).to.equal(false);
  });

  it('takes ? and literal characters', () => {
    const m = namePattern('export_??.csv');
    expect(m('export_01.csv')).to.equal(true);
    expect(m('export_1.csv')).to.equal(false);
    expect(m('export_01xcsv')).to.equal(false);
  });

  it('refuses an unclosed brace', () => {
    expect(isValidPattern('*.{csv')).to.equal(false);
  });
});
