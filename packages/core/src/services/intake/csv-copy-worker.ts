/**
 * Worker thread: reads a readings CSV from disk and sends it back as COPY chunks for the bulk
 * store (see csv-copy-chunks.ts). Parsing a million rows makes a lot of short-lived garbage;
 * here it lives in a heap of its own with a small limit, so the process stays small whatever
 * the file size, and the parsing runs beside the main thread's database work.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { OpenAmrError } from '../../plugin-api/errors.js';
import { toCopyChunk } from '../readings/bulk-store.js';
import { csvBatches } from './readings-stream.js';

const { path, fileName, batchSize } = workerData as { path: string; fileName: string; batchSize: number };
const port = parentPort!;

// The main thread grants credits (chunks it is ready to take): the worker never runs ahead by more.
let credits = 2;
let wake: (() => void) | undefined;
port.on('message', (m: { more: number }) => {
  credits += m.more;
  wake?.();
});

try {
  let bytes = 0;
  for await (const batch of csvBatches(() => createReadStream(path, { highWaterMark: 1 << 20 }), fileName, batchSize, (n) => (bytes += n))) {
    while (credits <= 0) await new Promise<void>((r) => (wake = r));
    credits--;
    port.postMessage({ type: 'chunk', chunk: toCopyChunk(batch), bytes });
    bytes = 0;
  }
  port.postMessage({ type: 'end' });
} catch (err) {
  const e = err as OpenAmrError;
  port.postMessage({ type: 'error', error: { name: e.name, kind: e.kind, text: e.text ?? e.message, details: e.details ?? {}, message: e.message } });
}
port.close();
