import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/testing/processes.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RUN = join(ROOT, 'packages/core/src/cli/run.ts');
const NODE_ARGS = ['--conditions=source', '--import', '@swc-node/register/esm-register', RUN];


function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CLI as a user runs it: a real process on a fresh embedded database. */
describe('cli (process)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: ChildProcess | undefined;
  const env = () => ({ OPENAMR_DATA_DIR: dataDir, DATABASE_URL: '', OPENAMR_CONFIG: '', OPENAMR_ADMIN_PASSWORD: '' });

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'openamr-cli-'));
  });
  after(() => {
    server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 2 with the command list when called without a command, 0 for --help', async () => {
    const none = await run([], env());
    expect(none.code).to.equal(2);
    expect(none.stdout).to.contain('Usage: openamr <command>').and.contain('serve').and.contain('user create');
    const help = await run(['user', 'create', '--help'], env());
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('Usage: openamr user create EMAIL');
  });

  it('exits 2 for an unknown option and 1 for a refused input, with the reason on stderr only', async () => {
    const usage = await run(['migrate', '--sideways'], env());
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain("Unknown option '--sideways'");
    const badEnv = await run(['migrate'], { ...env(), PORT: 'eighty' });
    expect(badEnv.code).to.equal(1);
    expect(badEnv.stderr).to.contain('PORT');
    expect(badEnv.stdout).to.equal('');
  });

  it('serves on the embedded database: prints the URL and a generated admin password that logs in; stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...NODE_ARGS, 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    });
    server = child;
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const deadline = Date.now() + 90_000;
    while (!/password: (\S+)/.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stdout).to.contain(`OpenAMR is running at http://127.0.0.1:${port}`);
    const password = /password: (\S+)/.exec(stdout)![1]!;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).to.equal(200);
    expect(await health.json()).to.include({ status: 'ok', database: 'ok' });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@openamr.local', password }),
    });
    expect(login.status).to.equal(200);
    const page = await fetch(`http://127.0.0.1:${port}/buildings/some-deep-link`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.contain('text/html');

    // A second process may not open the same embedded database.
    const second = await run(['migrate'], env());
    expect(second.code).to.equal(1);
    expect(second.stderr).to.contain('занята процессом');

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    server = undefined;
  });

  it('creates users and resets passwords while the server is stopped', async () => {
    const created = await run(['user', 'create', 'op@example.org', '--role', 'operator'], env());
    expect(created.code, created.stderr).to.equal(0);
    const user = JSON.parse(created.stdout);
    expect(user).to.include({ email: 'op@example.org', role: 'operator' });
    expect(user.password).to.have.length.greaterThan(11);
    const again = await run(['user', 'create', 'op@example.org', '--role', 'operator', '--password', 'long-enough-1'], env());
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('уже существует');
    const badRole = await run(['user', 'create', 'x@example.org', '--role', 'king'], env());
    expect(badRole.code).to.equal(2);
    const passwd = await run(['user', 'passwd', 'op@example.org', '--password', 'new-password-9'], env());
    expect(passwd.code, passwd.stderr).to.equal(0);
    expect(JSON.parse(passwd.stdout)).to.deep.equal({ email: 'op@example.org' });
    const migrate = await run(['migrate'], env());
    expect(JSON.parse(migrate.stdout).applied).to.deep.equal([]);
  });
});
