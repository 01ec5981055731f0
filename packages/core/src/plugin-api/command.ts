import type { Logger, ServiceLookup } from './service-refs.js';

export interface CommandOption {
  type: 'string' | 'boolean';
  describe: string;
  short?: string;
  default?: string | boolean;
}

export interface CommandArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

export interface CommandContext {
  /** A command's result goes here and nowhere else. */
  stdout: NodeJS.WritableStream;
  /** Logs, progress and errors go here. */
  stderr: NodeJS.WritableStream;
  cwd: string;
  logger: Logger;
  services: ServiceLookup;
}

/**
 * A CLI command (`openamr <name> …`). `name` may have several words (`mbus decode`).
 * `run` resolves to the exit code (0 when omitted). Throwing `InputError` exits 1 with the
 * message on stderr; wrong usage (unknown option, missing positional) exits 2.
 */
export interface CliCommand {
  name: string;
  describe: string;
  /** Positional arguments, in order, e.g. `[{ name: 'FILE', required: true }]`. */
  positionals?: Array<{ name: string; describe?: string; required?: boolean }>;
  options?: Record<string, CommandOption>;
  run(args: CommandArgs, ctx: CommandContext): Promise<number | void>;
}
