import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' } as const;

const HEALTH_DEADLINE_MS = 60_000;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The real `openamr serve` as a child process, on a free port, with the embedded database in
 * a fresh temporary directory; resolves once `/health` answers 200.
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'openamr-web-'));
  // Always the embedded database, whatever the developer's shell points at.
  const { DATABASE_URL: _db, OPENAMR_CONFIG: _config, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', '@swc-node/register/esm-register', 'packages/core/src/cli/run.ts', 'serve'],
    {
      cwd: REPO_ROOT,
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENAMR_DATA_DIR: dataDir,
        OPENAMR_ADMIN_EMAIL: ADMIN.email,
        OPENAMR_ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + HEALTH_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`openamr serve exited with code ${child.exitCode} before /health answered:\n${output}`);
    }
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`openamr serve: /health did not answer 200 within ${HEALTH_DEADLINE_MS / 1000} s:\n${output}`);
}
