import { expect } from 'chai';
import { listingTime } from '../../src/files/listing-time.js';

describe('listingTime()', () => {
  const now = new Date('2024-03-10T12:00:00Z');

  it('reads Unix LIST dates, with and without the year', () => {
    expect(listingTime('Feb 01 2023', now)).to.equal(Date.UTC(2023, 1, 1));
    expect(listingTime('Feb 01  2023', now)).to.equal(Date.UTC(2023, 1, 1));
    expect(listingTime('Mar 09 10:15', now)).to.equal(Date.UTC(2024, 2, 9, 10, 15));
    expect(listingTime('Dec 30 23:00', now)).to.equal(Date.UTC(2023, 11, 30, 23, 0));
  });

  it('reads DOS LIST dates', () => {
    expect(listingTime('02-01-24 10:05PM', now)).to.equal(Date.UTC(2024, 1, 1, 22, 5));
    expect(listingTime('02-01-2024 10:05', now)).to.equal(Date.UTC(2024, 1, 1, 10, 5));
  });

  it('is NaN for anything else', () => {
    expect(listingTime('yesterday', now)).to.be.NaN;
  });
});
