import { expect } from 'chai';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { InputError, type CommandContext } from '@openamr/core/plugin-api';
import { createMemoryLogger } from '@openamr/core/testing';
import { ModbusTcpDriver, simulateCommand } from '../../src/index.js';
import { caught, poll, targetOf } from '../helpers.js';

function context(cwd: string): CommandContext & { out: () => string } {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += String(d)));
  return { stdout, stderr: new PassThrough(), cwd, logger: createMemoryLogger(), services: { get: () => { throw new Error('no services'); } }, out: () => out };
}

describe('commands/simulate-command', () => {
  describe('run()', () => {
    it('serves the units of a fixture file until its time is up; modbus.tcp reads them', async () => {
      const fixture = new URL('../fixtures/tcp/mixed-bus/', import.meta.url).pathname;
      const ctx = context(fixture);
      const running = simulateCommand.run({ positionals: [], options: { units: 'input.json', port: '0', seconds: '1.5' } }, ctx);
      // The command prints its port once listening; a failure to start rejects at once.
      for (let i = 0; i < 100 && !ctx.out().endsWith('}\n'); i++) await Promise.race([running, new Promise((r) => setTimeout(r, 10))]);
      const started = JSON.parse(ctx.out());
      expect(started.units.map((u: { unitId: number; dead: boolean }) => [u.unitId, u.dead])).to.deep.equal([[1, false], [2, false], [3, false], [4, true], [5, false], [6, false]]);
      const driver = new ModbusTcpDriver();
      const batches = await poll(driver, targetOf(driver, { meters: [{ unitId: 3, serial: 'EM340-3', deviceTypeId: 'modbus.carlo-gavazzi-em340' }] }, { host: '127.0.0.1', port: started.port }));
      expect(batches[0]!.readings[0]!.values).to.deep.include({ activeEnergy: '123456.7', powerL2: '-0.115' });
      expect(await running).to.equal(0);
    });

    it('refuses a file whose units are not units, naming the file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'modbus-sim-'));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ unitId: 1, registers: { input: { '0x0000': '43 66' } } }]));
      const err = await caught(() => simulateCommand.run({ positionals: [], options: { units: 'bad.json', port: '0', seconds: '0' } }, context(dir)));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.contain(join(dir, 'bad.json')).and.to.contain('registers.input.0x0000');
      const missing = await caught(() => simulateCommand.run({ positionals: [], options: { port: '0' } }, context(dir)));
      expect(missing.message).to.equal('Укажите файл с приборами: --units FILE.json');
    });
  });
});
