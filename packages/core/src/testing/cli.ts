import { main } from '../cli/main.js';

/** What a run of the `openamr` command line gave: its exit code and what it wrote. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `openamr` command line in this process, as a user would from `cwd` with the
 * environment `env` only (nothing of the test's own environment leaks in), capturing stdout
 * and stderr.
 */
export async function runCli(args: string[], opts: { env: Record<string, string>; cwd: string }): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: { write: (s: string) => out.push(s) } as never,
    stderr: { write: (s: string) => err.push(s) } as never,
    env: opts.env,
    cwd: opts.cwd,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
