/**
 * bench/protocols (M-Bus part): 250 simulated meters on one TCP gateway at 2400 baud, polled
 * by `mbus.tcp-gateway` — total poll time against the pure transfer time of the same
 * requests and frames at that baud rate, the physical limit (target within 1.5×); and the
 * decoder's rate (telegrams per second) on the corpus frames.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createDriverContext } from '../../packages/core/src/testing/contexts.js';
import { MbusTcpGatewayDriver, decodeTelegram, parseHex, startMbusSimulator } from '../../packages/plugin-mbus/src/index.js';
import { corpusFrames, CORPUS } from '../../packages/plugin-mbus/test/corpus.js';

const METERS = Number(process.env.BENCH_METERS ?? 250);
const BAUD = Number(process.env.BENCH_BAUD ?? 2400);

async function main() {
  const frames = corpusFrames().map((n) => parseHex(readFileSync(`${CORPUS}frames/${n}`, 'utf8'))).filter((f) => f[6] === 0x72);
  const slaves = Array.from({ length: METERS }, (_, i) => ({ address: (i % 250) + 1, frame: frames[i % frames.length]! }));
  const sim = await startMbusSimulator({ slaves, baud: BAUD });
  const driver = new MbusTcpGatewayDriver();
  const settings = driver.settingsSchema.validate({ meters: slaves.map((s) => ({ address: s.address })), timeoutMs: 2000, retries: 0 }).value!;
  const t = Date.now();
  const session = await driver.open({ id: 'b', buildingId: 'b', type: 'generic', host: '127.0.0.1', port: sim.port, timeZone: 'UTC', settings }, createDriverContext());
  let readings = 0;
  for await (const b of session.read()) readings += b.readings.length + b.problems.filter((p) => p.code === 'no-values' || p.code === 'unknown-type').length;
  await session.close();
  const ms = Date.now() - t;
  await sim.close();
  const wire = slaves.reduce((a, s) => a + ((5 + s.frame.length) * 11 * 1000) / BAUD, 0);
  const ratio = ms / wire;
  console.log(`\n| case | time |\n|---|---|`);
  console.log(`| pure transfer of ${METERS} requests and answers at ${BAUD} baud | ${(wire / 1000).toFixed(1)} s |`);
  console.log(`| mbus.tcp-gateway poll of ${METERS} meters (${readings} answered) | ${(ms / 1000).toFixed(1)} s |`);
  console.log(`ratio ${ratio.toFixed(2)}× of the physical limit (target ≤ 1.5×) ${ratio <= 1.5 ? '✓' : '✗'}`);

  const n = 20_000;
  const s = process.hrtime.bigint();
  for (let i = 0; i < n; i++) decodeTelegram(frames[i % frames.length]!);
  const secs = Number(process.hrtime.bigint() - s) / 1e9;
  console.log(`decoder: ${Math.round(n / secs).toLocaleString('en')} telegrams/s (corpus frames, one core)`);
  // libmbus has no offline decoding from JavaScript: through node-mbus a telegram is a request to
  // a (simulated) slave, and libmbus waits its timeout after each answer (20 ms here, the least that works).
  const MbusMaster = createRequire(import.meta.url)('node-mbus');
  const sim2 = await startMbusSimulator({ slaves: frames.map((frame, i) => ({ address: i + 1, frame })) });
  const master = new MbusMaster({ host: '127.0.0.1', port: sim2.port, timeout: 20, autoConnect: true });
  const l0 = Date.now();
  let got = 0;
  for (let i = 0; i < frames.length; i++) await master.getDataAsync(i + 1, { pingFirst: false }).then(() => got++, () => undefined);
  const lsecs = (Date.now() - l0) / 1000;
  await master.closeAsync();
  await sim2.close();
  console.log(`libmbus through node-mbus: ${(got / lsecs).toFixed(0)} telegrams/s (a request each, 20 ms purge wait) — the decoder is ${Math.round(n / secs / (got / lsecs)).toLocaleString('en')}× that`);
  process.exitCode = ratio <= 1.5 ? 0 : 1;
}

await main();
