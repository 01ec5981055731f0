import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, runCli, type TestDatabase } from '@openamr/core/testing';
import { decodeTelegram, parseHex } from '../../src/index.js';
import { CORPUS } from '../corpus.js';

/** `openamr mbus decode` as a user runs it: a hex file, or the telegram of a stored reading. */
describe('commands/decode-command', () => {
  describe('run() through the openamr CLI', () => {
    let db: TestDatabase;
    let dir: string;
    const hex = readFileSync(`${CORPUS}frames/kamstrup_multical_601.hex`, 'utf8');
    const decoded = decodeTelegram(parseHex(hex));
    before(async () => {
      db = await createTestDatabase();
      dir = mkdtempSync(join(tmpdir(), 'amr-mbus-decode-'));
      writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: ['@openamr/plugin-mbus'] }));
      writeFileSync(join(dir, 'frame.hex'), hex);
      writeFileSync(join(dir, 'broken.hex'), hex.trim().slice(0, -6));
    });
    after(() => db?.close());

    async function cli(args: string[]) {
      return runCli(args, { env: { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, LOG_LEVEL: 'silent', LANG: 'en_US.UTF-8' }, cwd: dir });
    }

    it('decodes a hex file, and exits 1 naming the fault of a damaged one', async () => {
      const ok = await cli(['mbus', 'decode', 'frame.hex']);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(JSON.parse(ok.stdout).records).to.deep.equal(decoded.records);
      const broken = await cli(['mbus', 'decode', 'broken.hex']);
      expect(broken.code).to.equal(1);
      expect(broken.stdout).to.equal('');
      expect(broken.stderr).to.match(/broken\.hex: /);
    });

    it('decodes the telegram stored with a reading, by its id or by the meter and a time', async () => {
      expect((await cli(['migrate'])).code).to.equal(0);
      const k = db.knex;
      await k.raw(`create table if not exists readings_2026_11 partition of readings for values from ('2026-11-01') to ('2026-12-01')`);
      await k('device_types').insert({ id: 'mbus.kamstrup-multical-601', plugin_id: 'mbus', kind: 'heat-meter', label: '{}', quantities: '[]', primary_quantity: 'energy' }).onConflict('id').ignore();
      const [{ id: meterId }] = await k('meters').insert({ serial: decoded.slave.id, device_type_id: 'mbus.kamstrup-multical-601' }).returning('id');
      const row = (day: string, raw: string | null) => ({ meter_id: meterId, taken_at: `${day}T10:00:00Z`, day, value: 1, source: 'poll', source_key: `k:${day}`, raw });
      const [first, second] = await k('readings')
        .insert([row('2026-11-10', parseHex(hex).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '')), row('2026-11-20', null)])
        .returning('id');

      const byId = await cli(['mbus', 'decode', '--reading', first.id]);
      expect(byId.code, byId.stderr).to.equal(0);
      expect(JSON.parse(byId.stdout)).to.deep.include({ reading: { id: first.id, meterSerial: decoded.slave.id, takenAt: '2026-11-10T10:00:00.000Z', source: 'poll' }, records: decoded.records });
      const at = await cli(['mbus', 'decode', '--meter', decoded.slave.id, '--at', '2026-11-15T00:00:00Z']);
      expect(at.code, at.stderr).to.equal(0);
      expect(JSON.parse(at.stdout).reading.id).to.equal(first.id);

      // The latest reading was stored without a telegram; an unknown serial or a malformed id is refused.
      const latest = await cli(['mbus', 'decode', '--meter', decoded.slave.id]);
      expect([latest.code, latest.stderr]).to.deep.equal([1, `openamr: Reading ${second.id} (poll, 2026-11-20T10:00:00.000Z) was stored without its telegram\n`]);
      expect(await cli(['mbus', 'decode', '--meter', 'NOPE'])).to.deep.include({ code: 1, stderr: 'openamr: No stored reading: meter NOPE\n' });
      expect((await cli(['mbus', 'decode', '--reading', 'x'])).stderr).to.contain('Not a reading id: x');
      expect((await cli(['mbus', 'decode', '--meter', 'X', '--at', 'yesterday'])).stderr).to.contain('Not a time: yesterday');
      expect((await cli(['mbus', 'decode'])).code).to.equal(2);
      expect((await cli(['mbus', 'decode', 'frame.hex', '--meter', 'X'])).code).to.equal(2);
    });
  });
});
