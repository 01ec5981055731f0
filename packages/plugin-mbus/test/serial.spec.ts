import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError, type ConcentratorTarget } from '@openamr/core/plugin-api';
import { createDriverContext, describeReaderDriver } from '@openamr/core/testing';
import { MbusSerialDriver, decodeTelegram, parseHex, startMbusSerialSimulator, type MbusSerialSettings } from '../src/index.js';
import { CORPUS } from './corpus.js';
import { readAll } from './read-all.js';

const frameOf = (name: string) => parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8'));
const hasSocat = spawnSync('socat', ['-V']).status === 0;

/** A pseudo-terminal pair joined by socat: what one end writes, the other reads, as a serial line would carry it. */
async function ptyPair(): Promise<{ master: string; slave: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mbus-pty-'));
  const master = join(dir, 'master');
  const slave = join(dir, 'bus');
  const p: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${master}`, `pty,raw,echo=0,link=${slave}`], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(existsSync(master) && existsSync(slave)); i++) await new Promise((r) => setTimeout(r, 20));
  if (!existsSync(master)) throw new Error('socat did not make the pty pair');
  return { master, slave, stop: () => p.kill() };
}

describe('plugin-mbus: mbus.serial on a serial line (a socat pty pair, the simulator on the far end)', function () {
  before(function () {
    if (!hasSocat && process.env.CI !== 'true') this.skip();
  });

  const driver = new MbusSerialDriver();
  const targetOf = (raw: Record<string, unknown>): ConcentratorTarget<MbusSerialSettings> => {
    const { value, error } = driver.settingsSchema.validate(raw);
    if (error) throw error;
    return { id: 'c1', buildingId: 'b1', type: 'pulsar-mbus', settings: value as MbusSerialSettings, timeZone: 'Europe/Moscow' };
  };
  const poll = (target: ConcentratorTarget<MbusSerialSettings>) => readAll(driver, target);


  it('reads meters by primary address at 2400 baud, lists a silent one, and agrees with the decoder', async () => {
    const pty = await ptyPair();
    const names = ['kamstrup_multical_601.hex', 'EFE_Engelmann-WaterStar.hex', 'rel_padpuls3.hex'];
    const sim = await startMbusSerialSimulator({ path: pty.slave, slaves: names.map((n, i) => ({ address: i + 1, frame: frameOf(n) })), baud: 2400 });
    try {
      const t0 = Date.now();
      const batches = await poll(targetOf({ device: pty.master, meters: [{ address: 1 }, { address: 2 }, { address: 3 }, { address: 9, serial: 'НЕТ-9', timeoutMs: 300 }], timeoutMs: 3000, retries: 0 }));
      const took = Date.now() - t0;
      expect(batches.map((b) => b.readings.length)).to.deep.equal([1, 1, 1, 0]);
      expect(batches[3]!.problems).to.deep.equal([{ code: 'no-answer', meterSerial: 'НЕТ-9', message: 'Прибор НЕТ-9 не ответил за 300 мс (попыток: 1)' }]);
      names.forEach((n, i) => expect(decodeTelegram(parseHex(batches[i]!.readings[0]!.raw!)).records, n).to.deep.equal(decodeTelegram(frameOf(n)).records));
      expect(batches.map((b) => b.readings[0]?.deviceTypeId)).to.deep.equal(['mbus.kamstrup-multical-601', 'mbus.engelmann-waterstar', 'mbus.relay-hca', undefined]);
      expect(batches[2]!.readings[0]!.values).to.deep.equal({ heatUnits: '1987', setDayUnits: '1302' });
      // Three answers at 2400 baud take their bytes' time on the line, plus the silent meter's own wait.
      const wire = names.reduce((s, n) => s + ((frameOf(n).length + 5) * 11 * 1000) / 2400, 0);
      expect(took).to.be.within(wire + 300, wire * 1.5 + 300 + 500);
      expect(sim.served.req_ud2).to.equal(3);
    } finally {
      await sim.close();
      pty.stop();
    }
  });

  it('answers «Проверить соединение» with how many meters answered', async () => {
    const pty = await ptyPair();
    const sim = await startMbusSerialSimulator({ path: pty.slave, slaves: [{ address: 5, frame: frameOf('itron_cyble_m-bus_v1.4_water.hex') }] });
    try {
      const r = await driver.check(targetOf({ device: pty.master, meters: [{ address: 5 }, { address: 6 }], timeoutMs: 200 }), createDriverContext({}));
      expect(r).to.deep.equal({ ok: true, message: `M-Bus ${pty.master} доступна; ответили приборов: 1 из 2` });
    } finally {
      await sim.close();
      pty.stop();
    }
  });

  it('throws ConnectionError naming the device for a port that is not there', async () => {
    let error: unknown;
    try {
      await poll(targetOf({ device: '/dev/ttyNOSUCH0', meters: [{ address: 1 }] }));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConnectionError);
    expect(String((error as Error).message)).to.contain('/dev/ttyNOSUCH0');
  });

  describeReaderDriver(MbusSerialDriver as never, {
    validSettings: { device: '/dev/ttyUSB0', meters: [{ address: 1 }, { address: 2, serial: 'ХВС-1', pulse: { channel: 'channel1', weight: '0.01', start: '10' } }] },
    invalidSettings: [
      { meters: [{ address: 1 }] },
      { device: 'ttyUSB0', meters: [{ address: 1 }] },
      { device: '/dev/ttyUSB0', meters: [{ address: 1 }], baudRate: 1234 },
      { device: '/dev/ttyUSB0', meters: [{ address: 1, pulse: { channel: 'channel1', weight: '0.01', start: '10' } }] },
      { device: '/dev/ttyUSB0', meters: [{ address: 1, serial: 'x', pulse: { channel: 'channel1', weight: 'abc', start: '10' } }] },
    ],
  });
});
