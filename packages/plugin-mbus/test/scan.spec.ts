import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { MbusTcpClient, decodeTelegram, parseHex, scanPrimary, scanSecondary, secondaryOf, startMbusSimulator } from '../src/index.js';
import { CORPUS, corpusFrames } from './corpus.js';

const frame = (name: string) => parseHex(readFileSync(`${CORPUS}frames/${name}`, 'utf8'));

describe('plugin-mbus: bus scan against the simulator', () => {
  const slaves = [
    { address: 3, frame: frame('kamstrup_multical_601.hex') },
    { address: 17, frame: frame('EFE_Engelmann-WaterStar.hex') },
    { address: 42, frame: frame('abb_f95.hex') },
    { address: 99, frame: frame('siemens_water.hex') },
    { address: 250, frame: frame('SEN_Sensus-PolluTherm.hex') },
  ];

  it('finds every meter by primary address, with its identity', async () => {
    const sim = await startMbusSimulator({ slaves });
    const client = new MbusTcpClient('127.0.0.1', sim.port, new AbortController().signal);
    try {
      await client.open(1000);
      const found = await scanPrimary(client, 10);
      expect(found.map((m) => m.address)).to.deep.equal([3, 17, 42, 99, 250]);
      expect(found.map((m) => m.secondary)).to.deep.equal(slaves.map((s) => secondaryOf(s.frame)));
      expect(found[1]!.slave).to.include({ manufacturer: 'EFE', medium: 'Warm water (30-90°C)' });
    } finally {
      client.close();
      await sim.close();
    }
  });

  it('finds every meter by wildcard secondary search, narrowing the mask where answers collide', async () => {
    const sim = await startMbusSimulator({ slaves });
    const client = new MbusTcpClient('127.0.0.1', sim.port, new AbortController().signal);
    try {
      await client.open(1000);
      const found = await scanSecondary(client, 20, { onUnresolved: (m) => expect.fail(`unresolved ${m}`) });
      expect(found.map((m) => m.secondary).sort()).to.deep.equal(slaves.map((s) => secondaryOf(s.frame)).sort());
      expect(found.every((m) => m.address === undefined)).to.equal(true);
    } finally {
      client.close();
      await sim.close();
    }
  });

  it('finds every slave of the whole corpus bus, telling apart meters that share an identification number by medium, version and manufacturer', async function () {
    this.timeout(300_000);
    const names = corpusFrames().filter((n) => frame(n)[6] === 0x72);
    const bus = names.map((n, i) => ({ address: i + 1, frame: frame(n) }));
    const sim = await startMbusSimulator({ slaves: bus });
    const client = new MbusTcpClient('127.0.0.1', sim.port, new AbortController().signal);
    try {
      await client.open(1000);
      const unresolved: string[] = [];
      const found = await scanSecondary(client, 20, { onUnresolved: (m) => unresolved.push(m) });
      const addresses = bus.map((s) => secondaryOf(s.frame));
      // Two meters are in the corpus twice (the same header; only the access number differs):
      // on one bus they answer every selection together, so they are reported, not read.
      const twice = addresses.filter((a, i) => addresses.indexOf(a) !== i);
      expect(twice.sort()).to.deep.equal(['1149037804770E16', '176777312C2D0102']);
      expect(unresolved.sort()).to.deep.equal(twice);
      expect(found.map((m) => m.secondary).sort()).to.deep.equal(addresses.filter((a) => !twice.includes(a)).sort());
      // Those sharing a number are among them: 12345678 three times (media differ), 00000000 twice (versions differ).
      expect(found.filter((m) => m.secondary.startsWith('12345678'))).to.have.length(3);
      expect(found.filter((m) => m.secondary.startsWith('00000000')).map((m) => m.slave.manufacturer).sort()).to.deep.equal(
        ['berg_dz_plus.hex', 'example_binary16_lvar.hex'].map((n) => decodeTelegram(frame(n)).slave.manufacturer).sort(),
      );
    } finally {
      client.close();
      await sim.close();
    }
  });

  it('finds meters with one number, medium and version by manufacturer', async () => {
    const one = frame('kamstrup_multical_601.hex');
    // The same meter with another manufacturer (KAM → SEN in the header; the header is all a selection sees).
    const other = one.slice();
    other[11] = 0xae;
    other[12] = 0x4c;
    const sim = await startMbusSimulator({ slaves: [{ address: 1, frame: one }, { address: 2, frame: other }] });
    const client = new MbusTcpClient('127.0.0.1', sim.port, new AbortController().signal);
    try {
      await client.open(1000);
      const unresolved: string[] = [];
      const known = await scanSecondary(client, 20, { manufacturers: ['SEN', 'KAM'], onUnresolved: (m) => unresolved.push(m) });
      expect(known.map((m) => m.slave.manufacturer).sort()).to.deep.equal(['KAM', 'SEN']);
      expect(unresolved).to.deep.equal([]);
      // Neither manufacturer known: both stay unread, and the scan says where.
      const unknown = await scanSecondary(client, 20, { onUnresolved: (m) => unresolved.push(m) });
      expect(unknown).to.deep.equal([]);
      expect(unresolved).to.deep.equal([secondaryOf(one).slice(0, 8) + 'FFFF' + secondaryOf(one).slice(12)]);
    } finally {
      client.close();
      await sim.close();
    }
  });
});
