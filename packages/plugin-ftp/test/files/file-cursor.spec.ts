import { expect } from 'chai';
import { FileCursor } from '../../src/files/file-cursor.js';

describe('FileCursor', () => {
  const a = { name: 'a.csv', size: 10, mtime: '2024-02-01T00:00:00.000Z' };
  const b = { name: 'b.csv', size: 20, mtime: 'Feb 01 2024' };

  describe('parse()', () => {
    it('reads what toString() wrote', () => {
      const text = FileCursor.parse(undefined).cursor.with(a).with(b).toString();
      expect(text).to.equal('{"v":1,"files":[["a.csv",10,"2024-02-01T00:00:00.000Z"],["b.csv",20,"Feb 01 2024"]]}');
      const { cursor, damaged } = FileCursor.parse(text);
      expect(damaged).to.equal(false);
      expect(cursor.has(a) && cursor.has(b)).to.equal(true);
    });

    it('reads a damaged or foreign cursor as empty and says so', () => {
      for (const text of ['{', '42', '{"v":2,"files":[]}', '{"v":1,"files":[["a.csv","10","x"]]}']) {
        const { cursor, damaged } = FileCursor.parse(text);
        expect(damaged, text).to.equal(true);
        expect(cursor.toString()).to.equal('{"v":1,"files":[]}');
      }
    });
  });

  describe('has()', () => {
    it('is false when the size or the modification time changed', () => {
      const cursor = FileCursor.parse(undefined).cursor.with(a);
      expect(cursor.has({ ...a, size: 11 })).to.equal(false);
      expect(cursor.has({ ...a, mtime: '2024-02-02T00:00:00.000Z' })).to.equal(false);
    });
  });

  describe('prunedTo()', () => {
    it('forgets files no longer listed', () => {
      expect(FileCursor.parse(undefined).cursor.with(a).with(b).prunedTo([b]).toString()).to.equal('{"v":1,"files":[["b.csv",20,"Feb 01 2024"]]}');
    });
  });
});
