import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Waits until an `openamr serve` child answers `GET {url}/health` with 200; throws with what
 * it printed if it exits first or does not answer within `timeoutMs`.
 */
export async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`openamr serve exited with code ${child.exitCode}: ${output()}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new Error(`openamr serve did not answer ${url}/health: ${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
