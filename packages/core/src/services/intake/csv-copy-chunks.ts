import { Worker } from 'node:worker_threads';
import { ConfigError, InputError, type ErrorDetails, type LocalizedText } from '../../plugin-api/errors.js';
import type { CopyChunk } from '../readings/bulk-store.js';

// Running from TypeScript sources (tests, `--conditions=source`) the worker is the .ts file.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './csv-copy-worker.ts' : './csv-copy-worker.js', import.meta.url);

/**
 * A readings CSV on disk as COPY chunks for the bulk store, parsed in a worker thread with a
 * bounded heap (see csv-copy-worker.ts). Errors of the file (binary, no header…) arrive as
 * the same InputError the in-process parser throws.
 */
export async function* csvCopyChunks(path: string, fileName: string, onBytes?: (n: number) => void, batchSize = 10_000): AsyncGenerator<CopyChunk> {
  const worker = new Worker(WORKER, {
    workerData: { path, fileName, batchSize },
    resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 },
  });
  const queue: Array<{ type: string; chunk?: CopyChunk; bytes?: number; error?: { kind?: string; text: LocalizedText; details: ErrorDetails; message: string } }> = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let exited = false;
  worker.on('message', (m) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', () => {
    exited = true;
    wake?.();
  });
  try {
    for (;;) {
      while (!queue.length && !failure && !exited) await new Promise<void>((r) => (wake = r));
      const m = queue.shift();
      if (!m) throw failure ?? new ConfigError(`${fileName}: the file reader stopped unexpectedly`);
      if (m.type === 'end') return;
      if (m.type === 'error') {
        const e = m.error!;
        if (e.kind === 'input') throw new InputError(e.text, e.details);
        throw new Error(e.message);
      }
      onBytes?.(m.bytes ?? 0);
      worker.postMessage({ more: 1 });
      yield m.chunk!;
    }
  } finally {
    if (!exited) await worker.terminate();
  }
}
