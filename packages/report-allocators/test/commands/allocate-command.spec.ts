import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@openamr/core/testing';
import { EXAMPLES_DIR } from '../engine/examples.spec.js';

const cli = (args: string[], cwd = EXAMPLES_DIR) => runCli(args, { env: { OPENAMR_CONFIG: join(tmpdir(), 'no-such-openamr.config.json'), LOG_LEVEL: 'silent' }, cwd });

describe('commands/allocate-command', () => {
  before(() => writeFileSync(join(tmpdir(), 'no-such-openamr.config.json'), '{}'));

  it('prints the result JSON of an example and exits 0', async () => {
    const r = await cli(['allocate', 'example-1.input.json']);
    expect(r.code, r.stderr).to.equal(0);
    const expected = JSON.parse(readFileSync(`${EXAMPLES_DIR}example-1.expected.json`, 'utf8'));
    const got = JSON.parse(r.stdout);
    expect(got.heatGcal).to.equal(expected.heatGcal);
    expect(got.premises.map((p: any) => p.gcal)).to.deep.equal(expected.premises.map((p: any) => p.gcal));
    expect(got.totalArea).to.equal('460.0');
    expect(r.stderr).to.equal('');
  });

  it('exits 0 with ok: false for a calculation error', async () => {
    const r = await cli(['allocate', 'example-4.input.json']);
    expect(r.code).to.equal(0);
    expect(JSON.parse(r.stdout).error.code).to.equal('NO_BUILDING_METER_READINGS');
  });

  it('exits 1 naming the field for an input that fails the schema, 1 for a file that is not JSON, 2 without a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amr-allocate-'));
    const input = JSON.parse(readFileSync(`${EXAMPLES_DIR}example-1.input.json`, 'utf8'));
    input.premises[1].area = 'ninety';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(input));
    const bad = await cli(['allocate', 'bad.json'], dir);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('premises[1].area');
    expect(bad.stdout).to.equal('');
    writeFileSync(join(dir, 'broken.json'), '{"building": ');
    expect((await cli(['allocate', 'broken.json'], dir)).code).to.equal(1);
    expect((await cli(['allocate', 'missing.json'], dir)).code).to.equal(1);
    expect((await cli(['allocate'], dir)).code).to.equal(2);
  });
});
