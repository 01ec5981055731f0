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

/** A stored reading as a command reads it. */
export interface StoredReading {
  id: string;
  meterId: string;
  meterSerial: string;
  deviceTypeId: string;
  /** ISO instant. */
  takenAt: string;
  /** The reading's day (`YYYY-MM-DD`, the building's time zone). */
  date: string;
  value: string | null;
  unit: string | null;
  values: Record<string, string | number> | null;
  errorCode: string | null;
  source: string;
  /** The frame the reading was decoded from (hex for binary telegrams); null when the driver kept none. */
  raw: string | null;
}

/** By id, or a meter's latest reading taken at or before `at` (default: now). */
export type StoredReadingQuery = { id: string } | { meterSerial: string; at?: Date | string };

/**
 * Read-only access to stored readings for commands. The database is opened on the first
 * call (a command that never calls it never opens it) and closed when the command ends.
 */
export interface CommandReadings {
  /** The reading, or undefined when there is none. A malformed id or time is an `InputError`. */
  find(query: StoredReadingQuery): Promise<StoredReading | undefined>;
}

export interface CommandContext {
  /** A command's result goes here and nowhere else. */
  stdout: NodeJS.WritableStream;
  /** Logs, progress and errors go here. */
  stderr: NodeJS.WritableStream;
  cwd: string;
  logger: Logger;
  services: ServiceLookup;
  /** Stored readings (the `openamr` CLI always provides them; a hand-built test context may not). */
  readings?: CommandReadings;
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
