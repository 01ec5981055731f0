import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { MbusTcpClient, parseHex, scanPrimary, scanSecondary, secondaryOf, startMbusSimulator } from '../src/index.js';
import { CORPUS } from './corpus.js';

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
      const found = await scanSecondary(client, 20);
      expect(found.map((m) => m.secondary).sort()).to.deep.equal(slaves.map((s) => secondaryOf(s.frame)).sort());
      expect(found.every((m) => m.address === undefined)).to.equal(true);
    } finally {
      client.close();
      await sim.close();
    }
  });
});
