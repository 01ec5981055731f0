import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '@openamr/core/plugin-api';
import { describeReaderDriver } from '@openamr/core/testing';
import { ModbusRtuDriver, startModbusSerialSimulator, type ModbusSimulator } from '../../src/index.js';
import { asStrings, caught, poll, SDM120, SDM630, targetOf } from '../helpers.js';

const driver = new ModbusRtuDriver();
const hasSocat = spawnSync('socat', ['-V']).status === 0;

describe('drivers/modbus-rtu-driver', () => {
  describeReaderDriver(ModbusRtuDriver, {
    validSettings: { device: '/dev/ttyUSB0', meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm120' }] },
    invalidSettings: [
      { meters: [{ unitId: 1, serial: 'A' }] },
      { device: 'ttyUSB0', meters: [{ unitId: 1, serial: 'A' }] },
      { device: '/dev/ttyUSB0', baudRate: 1234, meters: [{ unitId: 1, serial: 'A' }] },
      { device: '/dev/ttyUSB0', parity: 'mark', meters: [{ unitId: 1, serial: 'A' }] },
      // 0 is broadcast and 248–255 are reserved on a serial line.
      { device: '/dev/ttyUSB0', meters: [{ unitId: 0, serial: 'A' }] },
      { device: '/dev/ttyUSB0', meters: [{ unitId: 248, serial: 'A' }] },
    ],
  });

  describe('open()', () => {
    it('throws ConnectionError for a port that does not exist', async () => {
      const err = await caught(() => poll(driver, targetOf(driver, { device: '/dev/openamr-no-such-port', meters: [{ unitId: 1, serial: 'A', deviceTypeId: 'modbus.eastron-sdm120' }] })));
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.contain('Порт Modbus /dev/openamr-no-such-port не открывается');
    });
  });

  // An RS-485 bus stand-in: a socat pseudo-terminal pair, modbus-serial's ServerSerial on the far end.
  describe('read() on a serial line', function () {
    let socat: ChildProcess | undefined;
    let sim: ModbusSimulator | undefined;
    let dir = '';
    before(async function () {
      if (!hasSocat) {
        if (process.env.CI === 'true') throw new Error('socat is required in CI');
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'modbus-pty-'));
      socat = spawn('socat', [`pty,raw,echo=0,link=${dir}/master`, `pty,raw,echo=0,link=${dir}/bus`], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !(existsSync(`${dir}/master`) && existsSync(`${dir}/bus`)); i++) await new Promise((r) => setTimeout(r, 20));
      sim = await startModbusSerialSimulator({
        path: `${dir}/bus`,
        units: [
          { unitId: 7, deviceTypeId: 'modbus.eastron-sdm630', values: SDM630 },
          { unitId: 8, deviceTypeId: 'modbus.eastron-sdm120', values: SDM120 },
          { unitId: 10, deviceTypeId: 'modbus.carlo-gavazzi-em340', values: { activeEnergy: 123456.7, exportEnergy: 1.5, powerL2: -0.115 } },
        ],
      });
    });
    after(async () => {
      await sim?.close();
      socat?.kill();
    });

    it('reads the meters at their unit ids, input and holding registers, and lists a silent unit', async () => {
      const batches = await poll(
        driver,
        targetOf(driver, {
          device: `${dir}/master`,
          meters: [
            { unitId: 7, serial: 'R-7', deviceTypeId: 'modbus.eastron-sdm630' },
            { unitId: 9, serial: 'R-9', deviceTypeId: 'modbus.eastron-sdm120', timeoutMs: 300 },
            { unitId: 8, serial: 'R-8', deviceTypeId: 'modbus.eastron-sdm120' },
            { unitId: 10, serial: 'R-10', deviceTypeId: 'modbus.carlo-gavazzi-em340' },
          ],
          retries: 0,
        }),
      );
      expect(batches[0]!.readings[0]!.values).to.deep.equal(asStrings(SDM630));
      expect(batches[1]!.problems).to.deep.equal([{ code: 'no-answer', meterSerial: 'R-9', message: 'Прибор R-9 (unit 9): не ответил за 300 мс (попыток: 1)' }]);
      expect(batches[2]!.readings[0]!.values).to.deep.equal(asStrings(SDM120));
      expect(batches[3]!.readings[0]!.values).to.deep.include({ activeEnergy: '123456.7', exportEnergy: '1.5', powerL2: '-0.115', voltageL1: '0' });
    });
  });
});
