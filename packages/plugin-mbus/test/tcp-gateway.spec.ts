import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sinon from 'sinon';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { connect, createServer } from 'node:net';
import { ConnectionError, type ConcentratorTarget, type PollReaderDriver, type ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext, createTestApp, describeReaderDriver, multipart, runCli, type TestApp, type TestDatabase } from '@openamr/core/testing';
import { MbusTcpGatewayDriver, decodeTelegram, parseHex, secondaryOf, startMbusSimulator, type MbusSimulator } from '../src/index.js';
import type { MbusSettings } from '../src/drivers/mbus-drivers.js';
import { CORPUS, corpusFrames } from './corpus.js';
import { readAll } from './read-all.js';

const frameOf = (name: string) => parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8'));
// Every corpus frame: frames (CI 72) and fixed structure (CI 73).
const frames = corpusFrames();


describe('plugin-mbus: mbus.tcp-gateway against the M-Bus simulator', () => {
  let sim: MbusSimulator;
  const driver = new MbusTcpGatewayDriver();
  const target = (settings: Partial<MbusSettings>, port = sim.port): ConcentratorTarget<MbusSettings> => ({
    id: 'c1', buildingId: 'b1', type: 'generic', host: '127.0.0.1', port, timeZone: 'Europe/Moscow',
    settings: driver.settingsSchema.validate({ meters: [{ address: 1 }], ...settings }).value as MbusSettings,
  });
  before(async () => {
    sim = await startMbusSimulator({ slaves: frames.map((name, i) => ({ address: i + 1, frame: frameOf(name) })) });
  });
  after(() => sim?.close());

  it(`reads every corpus frame (${frames.length}, fixed structure too) over the wire exactly as the decoder reads it from the file`, async () => {
    const batches = await readAll(driver, target({ meters: frames.map((_, i) => ({ address: i + 1 })), timeoutMs: 500 }));
    expect(batches).to.have.length(frames.length);
    for (const [i, name] of frames.entries()) {
      const b = batches[i]!;
      expect(b.problems.filter((p) => p.code === 'no-answer'), name).to.deep.equal([]);
      const fromFile = decodeTelegram(frameOf(name));
      if (b.readings.length) {
        const wire = decodeTelegram(parseHex(b.readings[0]!.raw!));
        expect({ ...wire.slave }, name).to.deep.equal({ ...fromFile.slave });
        expect(wire.records, name).to.deep.equal(fromFile.records);
        expect(b.readings[0]!.meterSerial).to.equal(fromFile.slave.id);
      } else {
        expect(b.problems[0]!.code, name).to.be.oneOf(['no-values', 'unknown-type']);
      }
    }
    // A heat meter: energy in kWh, volume, temperatures, power in kW.
    const kamstrup = batches[frames.indexOf('kamstrup_multical_601.hex')]!.readings[0]!;
    expect(kamstrup.deviceTypeId).to.equal('mbus.kamstrup-multical-601');
    expect(Object.keys(kamstrup.values)).to.include.members(['energy', 'volume', 'flowTemperature', 'returnTemperature']);
  });

  it('lists a silent address as a problem and reads the others; selects by secondary address', async () => {
    const second = frameOf(frames[1]!);
    const batches = await readAll(driver, target({ meters: [{ address: 1 }, { address: 249, serial: 'SILENT-1' }, { secondary: secondaryOf(second) }], timeoutMs: 150, retries: 1 }));
    expect(batches.map((b) => [b.readings.length + b.problems.filter((p) => p.code === 'no-values' || p.code === 'unknown-type').length, b.problems.map((p) => p.code)])).to.deep.equal([
      [1, batches[0]!.problems.map((p) => p.code)],
      [0, ['no-answer']],
      [1, batches[2]!.problems.map((p) => p.code)],
    ]);
    expect(batches[1]!.problems[0]).to.include({ meterSerial: 'SILENT-1' });
    expect(sim.served.select).to.be.greaterThan(0);
  });

  it('sends SND_NKE first with pingFirst, and repeats a request a silent meter did not answer as often as its own retries say', async () => {
    // A gateway that records what it is sent and answers only address 1 (the simulator behind it).
    const heard: string[] = [];
    const relay = createServer((socket) => {
      const upstream = connect(sim.port, '127.0.0.1');
      upstream.on('data', (d) => socket.write(d));
      socket.on('data', (d) => {
        heard.push(d.toString('hex'));
        upstream.write(d);
      });
      socket.on('close', () => upstream.destroy());
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const port = (relay.address() as { port: number }).port;
      const t = Date.now();
      const batches = await readAll(driver, target({ meters: [{ address: 1 }, { address: 240, retries: 2, timeoutMs: 80 }, { address: 241 }], pingFirst: true, timeoutMs: 150, retries: 0 }, port));
      const took = Date.now() - t;
      expect(batches.map((b) => b.problems.map((p) => p.message))).to.deep.equal([
        [],
        ['Прибор адрес 240 не ответил за 80 мс (попыток: 3)'],
        ['Прибор адрес 241 не ответил за 150 мс (попыток: 1)'],
      ]);
      const sent = heard.join('');
      const snd = (a: number) => Buffer.from([0x10, 0x40, a, (0x40 + a) & 0xff, 0x16]).toString('hex');
      const req = (a: number) => Buffer.from([0x10, 0x5b, a, (0x5b + a) & 0xff, 0x16]).toString('hex');
      // Address 1 answers its SND_NKE and REQ_UD2; 240 is pinged three times (the ping is silent, so no REQ_UD2 follows); 241 once.
      expect(sent).to.equal(snd(1) + req(1) + snd(240).repeat(3) + snd(241));
      expect(took).to.be.at.least(3 * 80 + 150);
    } finally {
      await new Promise((r) => relay.close(r));
    }
  });

  it('stores a telegram with a NaN in a secondary value without it, and says so in the same batch; a NaN energy is no reading', async () => {
    // A heat meter (medium 04) with energy 1 kWh (VIF 06) and a volume that is a NaN real (DIF 05, VIF 13).
    const frame = (energy: number[]) => {
      const body = [0x08, 0x01, 0x72, 0x78, 0x56, 0x34, 0x12, 0x5a, 0x6b, 0x01, 0x04, 0x2a, 0x00, 0x00, 0x00, ...energy, 0x05, 0x13, 0x00, 0x00, 0xc0, 0x7f];
      return Uint8Array.from([0x68, body.length, body.length, 0x68, ...body, body.reduce((a, b) => (a + b) & 0xff, 0), 0x16]);
    };
    const bus = await startMbusSimulator({ slaves: [{ address: 1, frame: frame([0x04, 0x06, 0x01, 0x00, 0x00, 0x00]) }, { address: 2, frame: frame([0x05, 0x06, 0x00, 0x00, 0xc0, 0x7f]) }] });
    try {
      const [one, two] = await readAll(driver, target({ meters: [{ address: 1 }, { address: 2 }], timeoutMs: 200 }, bus.port));
      expect(one!.readings.map((r) => r.values)).to.deep.equal([{ energy: '1' }]);
      expect(one!.problems.map((p) => [p.code, p.meterSerial])).to.deep.equal([['bad-value', '12345678']]);
      expect(two!.readings).to.deep.equal([]);
      expect(two!.problems.map((p) => p.message)).to.deep.equal(['Прибор 12345678: в телеграмме не число: energy = NaN, volume = NaN']);
    } finally {
      await bus.close();
    }
  });

  it('throws ConnectionError for a gateway that is not there, and stops at once on abort', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    let error: unknown;
    try {
      await readAll(driver, target({}, port));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConnectionError);
    const slow = await startMbusSimulator({ slaves: [{ address: 1, frame: frameOf(frames[0]!) }], baud: 300 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stop')), 200);
      const t = Date.now();
      let aborted: unknown;
      try {
        await readAll(driver, target({ meters: [{ address: 1 }], timeoutMs: 10_000 }, slow.port), ac.signal);
      } catch (err) {
        aborted = err;
      }
      expect(aborted).to.be.instanceOf(Error);
      expect(Date.now() - t).to.be.lessThan(2000);
    } finally {
      await slow.close();
    }
  });

  it('paces answers like a 2400-baud bus', async () => {
    const frame = frameOf('kamstrup_multical_601.hex');
    const bus = await startMbusSimulator({ slaves: [{ address: 1, frame }], baud: 2400 });
    try {
      const t = Date.now();
      await readAll(driver, target({ meters: [{ address: 1 }] }, bus.port));
      const wire = ((frame.length + 5) * 11 * 1000) / 2400;
      expect(Date.now() - t).to.be.within(wire * 0.8, wire * 1.5 + 100);
    } finally {
      await bus.close();
    }
  });

  describe('through the core', () => {
    let app: TestApp;
    before(async () => {
      app = await createTestApp({ plugins: [{ package: '@openamr/plugin-mbus' }] });
    });
    after(() => app?.close());
    let dir: string;
    async function cli(args: string[]) {
      dir ??= mkdtempSync(join(tmpdir(), 'amr-mbus-cli-'));
      writeFileSync(join(dir, 'openamr.config.json'), JSON.stringify({ plugins: ['@openamr/plugin-mbus'] }));
      const db = app.database as TestDatabase;
      return runCli(args, { env: { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, LOG_LEVEL: 'silent', LANG: 'en_US.UTF-8' }, cwd: dir });
    }

    it('a concentrator polled with «Считать сейчас» stores the heat meter’s reading', async () => {
      const cookie = (await app.loginAs('manager'))!;
      const kamstrup = decodeTelegram(frameOf('kamstrup_multical_601.hex'));
      const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'M-Bus', address: 'x' } })).json();
      const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie, payload: { number: '1', area: 50, kind: 'residential' } })).json();
      await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: kamstrup.slave.id, deviceTypeId: 'core.heat-meter', premiseId: p.id } });
      const c = await app.inject({
        method: 'POST', url: '/api/concentrators', cookie,
        payload: { buildingId: b.id, type: 'pulsar-mbus', host: '127.0.0.1', port: sim.port, driverId: 'mbus.tcp-gateway', settings: { meters: [{ address: frames.indexOf('kamstrup_multical_601.hex') + 1 }], timeoutMs: 500 } },
      });
      expect(c.statusCode, c.payload).to.equal(201);
      const run = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.json().id}/poll`, cookie })).json();
      let r;
      for (let i = 0; i < 200; i++) {
        r = (await app.inject({ method: 'GET', url: `/api/poll-runs/${run.runId}`, cookie })).json();
        if (r.outcome !== 'running') break;
        await new Promise((res) => setTimeout(res, 25));
      }
      expect(r).to.include({ outcome: 'ok', readingsStored: 1 });
      const stored = await app.database.knex('readings').first('id', 'unit', 'values', 'source', 'raw');
      expect(stored).to.include({ unit: 'kWh', source: 'poll' });
      // The telegram is stored with the reading and decodes again to what the meter sent.
      expect(decodeTelegram(parseHex(stored.raw)).records).to.deep.equal(kamstrup.records);
      const meter = (await app.inject({ method: 'GET', url: `/api/meters?q=${kamstrup.slave.id}`, cookie })).json().items[0];
      const listed = (await app.inject({ method: 'GET', url: `/api/meters/${meter.id}/readings`, cookie })).json().items;
      expect(listed.map((x: { id: string; raw: string }) => [x.id, x.raw])).to.deep.equal([[stored.id, stored.raw]]);

      // `openamr mbus decode --reading ID` and `--meter SERIAL [--at ISO]` decode the stored telegram (the real CLI on the app's database).
      const byId = await cli(['mbus', 'decode', '--reading', stored.id]);
      expect(byId.code, byId.stderr).to.equal(0);
      expect(JSON.parse(byId.stdout).reading).to.include({ id: stored.id, meterSerial: kamstrup.slave.id, source: 'poll' });
      expect(JSON.parse(byId.stdout).records).to.deep.equal(kamstrup.records);
      const bySerial = await cli(['mbus', 'decode', '--meter', kamstrup.slave.id]);
      expect(JSON.parse(bySerial.stdout).reading.id, bySerial.stderr).to.equal(stored.id);
      expect(await cli(['mbus', 'decode', '--meter', kamstrup.slave.id, '--at', '2020-01-01T00:00:00Z'])).to.deep.include({ code: 1, stderr: `openamr: No stored reading: meter ${kamstrup.slave.id} at 2020-01-01T00:00:00Z\n` });

      // A reading entered by hand has no telegram: it is listed with raw null and cannot be decoded.
      const manual = (await app.inject({ method: 'POST', url: `/api/meters/${meter.id}/readings`, cookie, payload: { date: '2099-01-01', value: '999999' } })).json();
      expect(manual.raw).to.equal(null);
      const noFrame = await cli(['mbus', 'decode', '--reading', manual.id]);
      expect([noFrame.code, noFrame.stderr]).to.deep.equal([1, `openamr: Reading ${manual.id} (manual, ${new Date(manual.takenAt).toISOString()}) was stored without its telegram\n`]);
    });
    it('an uploaded telegram file (the driver’s importFile) is stored with its frame', async () => {
      const cookie = (await app.loginAs('manager'))!;
      const hex = readFileSync(`${CORPUS}frames/EFE_Engelmann-WaterStar.hex`, 'utf8');
      const waterstar = decodeTelegram(parseHex(hex));
      await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: waterstar.slave.id, deviceTypeId: 'mbus.engelmann-waterstar' } });
      const m = multipart({ driverId: 'mbus.tcp-gateway' }, { name: 'waterstar.hex', content: Buffer.from(hex) });
      const dry = await app.inject({ method: 'POST', url: '/api/imports', cookie, payload: m.payload, headers: m.headers });
      expect(dry.statusCode, dry.payload).to.equal(201);
      const commit = await app.inject({ method: 'POST', url: `/api/imports/${dry.json().id}/commit`, cookie, payload: {} });
      expect(commit.statusCode, commit.payload).to.equal(200);
      const meter = (await app.inject({ method: 'GET', url: `/api/meters?q=${waterstar.slave.id}`, cookie })).json().items[0];
      const [stored] = (await app.inject({ method: 'GET', url: `/api/meters/${meter.id}/readings`, cookie })).json().items;
      expect(stored).to.include({ source: 'file', value: '0.332' });
      expect(decodeTelegram(parseHex(stored.raw)).records).to.deep.equal(waterstar.records);
    });
  });

  describe('«Поиск приборов» through the core', () => {
    let app: TestApp;
    let bus: MbusSimulator;
    const names = ['kamstrup_multical_601.hex', 'EFE_Engelmann-WaterStar.hex', 'rel_padpuls3.hex'];
    before(async () => {
      app = await createTestApp({ plugins: [{ package: '@openamr/plugin-mbus' }] });
      bus = await startMbusSimulator({ slaves: names.map((n, i) => ({ address: [3, 17, 250][i]!, frame: frameOf(n) })) });
    });
    after(async () => {
      await bus?.close();
      await app?.close();
    });

    it('finds the meters of the bus by primary and by secondary address, with their types, and says which the registry and the settings have', async () => {
      const cookie = (await app.loginAs('manager'))!;
      const b = (await app.inject({ method: 'POST', url: '/api/buildings', cookie, payload: { name: 'Поиск', address: 'x' } })).json();
      const p = (await app.inject({ method: 'POST', url: `/api/buildings/${b.id}/premises`, cookie, payload: { number: '1', area: 50, kind: 'residential' } })).json();
      const known = (await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: '6855817', deviceTypeId: 'mbus.kamstrup-multical-601', premiseId: p.id } })).json();
      const c = (
        await app.inject({
          method: 'POST', url: '/api/concentrators', cookie,
          payload: { buildingId: b.id, type: 'pulsar-mbus', host: '127.0.0.1', port: bus.port, driverId: 'mbus.tcp-gateway', settings: { meters: [{ address: 3 }], timeoutMs: 50 } },
        })
      ).json();
      const res = await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/scan`, cookie, payload: {} });
      expect(res.statusCode, res.payload).to.equal(200);
      expect(res.json().found.map((f: Record<string, unknown>) => [f.serial, f.deviceTypeId, f.meterSetting, f.inRegistry, f.inSettings, f.meterId])).to.deep.equal([
        ['6855817', 'mbus.kamstrup-multical-601', { address: 3 }, true, true, known.id],
        ['4990254', 'mbus.engelmann-waterstar', { address: 17 }, false, false, null],
        ['1030101', 'mbus.relay-hca', { address: 250 }, false, false, null],
      ]);
      const second = await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/scan`, cookie, payload: { mode: 'secondary' } });
      expect(second.json().found.map((f: { serial: string; meterSetting: unknown }) => [f.serial, f.meterSetting]).sort()).to.deep.equal(
        names.map((n) => [decodeTelegram(frameOf(n)).slave.id, { secondary: secondaryOf(frameOf(n)) }]).sort(),
      );
      // What a scan gives is what creating the meter needs: «Создать» posts its serial and type.
      const waterstar = res.json().found[1];
      const created = await app.inject({ method: 'POST', url: '/api/meters', cookie, payload: { serial: waterstar.serial, deviceTypeId: waterstar.deviceTypeId, premiseId: p.id } });
      expect(created.statusCode, created.payload).to.equal(201);
      const again = (await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/scan`, cookie, payload: {} })).json();
      expect(again.found[1]).to.include({ serial: waterstar.serial, inRegistry: true, meterId: created.json().id });
      // The lease is let go: a poll can start right after.
      const poll = await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/poll`, cookie });
      expect(poll.statusCode, poll.payload).to.equal(202);
      // An operator may not scan (a manager's action), and the drivers list says who can.
      expect((await app.inject({ method: 'POST', url: `/api/concentrators/${c.id}/scan`, cookie: (await app.loginAs('operator'))!, payload: {} })).statusCode).to.equal(403);
      const types = (await app.inject({ method: 'GET', url: '/api/concentrator-types', cookie })).json();
      const mbus = types.drivers.find((d: { id: string }) => d.id === 'mbus.tcp-gateway');
      expect(mbus).to.include({ canScan: true, canCheck: true });
      expect(mbus.settingsSchema.properties.meters.type).to.equal('array');
      expect(mbus.settingsSchema.required).to.deep.equal(['meters']);
    });
  });

  describe('fixtures through the conformance kit', () => {
    // test/fixtures/tcp-gateway/<case>/input.json: the bus (corpus telegrams by address) and the settings; expected.json: the batches.
    const fixtures = fileURLToPath(new URL('./fixtures/tcp-gateway/', import.meta.url));
    const sims = new Map<string, MbusSimulator>();
    const inputOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as { slaves: Array<{ address: number; file: string }>; settings: MbusSettings };
    let clock: sinon.SinonFakeTimers | undefined;
    before(async () => {
      for (const c of readdirSync(fixtures)) {
        const input = inputOf(join(fixtures, c));
        sims.set(c, await startMbusSimulator({ slaves: input.slaves.map((x) => ({ address: x.address, frame: parseHex(readFileSync(`${CORPUS}${x.file}`, 'utf8')) })) }));
      }
      // Readings are taken at the core clock's time: a fixed one makes them exact (only Date is faked; sockets and timers run).
      clock = sinon.useFakeTimers({ now: new Date('2026-03-01T10:15:42.123Z'), toFake: ['Date'] });
    });
    after(async () => {
      clock?.restore();
      for (const sim of sims.values()) await sim.close();
    });

    describeReaderDriver(MbusTcpGatewayDriver as never, {
      validSettings: { meters: [{ address: 1 }, { secondary: '12345678FFFFFFFF', serial: 'X' }] },
      invalidSettings: [{ meters: [] }, { meters: [{ address: 251 }] }, { meters: [{ address: 1, secondary: '1234567812345678' }] }, { meters: [{ secondary: 'XYZ' }] }, { meters: [{ address: 1 }], timeoutMs: 1 }],
      fixturesDir: fixtures,
      target: (dir) => {
        const settings = driver.settingsSchema.validate(inputOf(dir).settings).value as MbusSettings;
        return { id: 'c1', buildingId: 'b1', type: 'generic', host: '127.0.0.1', port: sims.get(basename(dir))!.port, timeZone: 'Europe/Moscow', settings } as never;
      },
    });
  });
});
