import { loadConfig, type AppConfig } from '../config/config.js';
import { loadPlugins } from '../loader/load-plugins.js';
import type { Registries } from '../loader/registries.js';
import { createLogger } from '../logger.js';
import { createServiceLookup } from '../app.js';
import type { CliCommand, CommandContext } from '../plugin-api/command.js';
import { OpenAmrError } from '../plugin-api/errors.js';
import { coreServices } from '../plugin-api/service-refs.js';
import { CORE_VERSION } from '../version.js';
import { coreCommands } from './core-commands.js';
import { createCommandReadings } from './command-readings.js';
import { openDatabase, type Database } from '../db/database.js';
import { commandUsage, parseCommandArgs } from './parse-args.js';
import { UsageError } from './usage-error.js';

export interface MainIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function overview(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `openamr ${CORE_VERSION} — automated meter reading and heat cost allocation`,
    '',
    'Usage: openamr <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.describe}`),
    '',
    'Run `openamr <command> --help` for a command\'s arguments.',
    '',
  ].join('\n');
}

/** Finds the command whose (possibly multi-word) name the arguments start with. */
function findCommand(commands: CliCommand[], argv: string[]): [CliCommand, string[]] | undefined {
  const byLength = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const cmd of byLength) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return [cmd, argv.slice(words.length)];
  }
  return undefined;
}

/**
 * The `openamr` CLI. Exit codes: 0 success, 1 input refused (reason on stderr), 2 wrong usage.
 * Results go to stdout and nothing else does.
 */
export async function main(argv: string[], io: Partial<MainIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let database: Promise<Database> | undefined;
  try {
    const config: AppConfig = loadConfig(env, cwd);
    const logger = createLogger(config.logLevel);
    const registries: Registries = await loadPlugins({ plugins: config.plugins, baseDir: config.baseDir });
    const core = coreCommands({ config: () => config, registries: () => registries });
    for (const cmd of registries.commands.values()) {
      if (core.some((c) => c.name === cmd.name)) {
        throw new UsageError(`plugin ${registries.commands.ownerOf(cmd.name)} registers command "${cmd.name}", which the core already has`);
      }
    }
    const commands = [...core, ...registries.commands.values()];

    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      stdout.write(overview(commands));
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      stdout.write(CORE_VERSION + '\n');
      return 0;
    }
    const found = findCommand(commands, argv);
    if (!found) {
      stderr.write(`openamr: unknown command "${argv.join(' ')}"\n\n${overview(commands)}`);
      return 2;
    }
    const [cmd, rest] = found;
    if (rest.includes('--help') || rest.includes('-h')) {
      stdout.write(commandUsage(cmd));
      return 0;
    }
    let args;
    try {
      args = parseCommandArgs(cmd, rest);
    } catch (err) {
      if (err instanceof UsageError) {
        stderr.write(`openamr ${cmd.name}: ${err.message}\n\n${commandUsage(cmd)}`);
        return 2;
      }
      throw err;
    }
    const ctx: CommandContext = {
      stdout,
      stderr,
      cwd,
      logger,
      services: createServiceLookup([
        [coreServices.logger, logger],
        [coreServices.clock, { now: () => new Date() }],
      ]),
      readings: createCommandReadings(async () => {
        database ??= openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
        return (await database).knex;
      }),
    };
    return (await cmd.run(args, ctx)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`openamr: ${err.message}\n`);
      return 2;
    }
    if (err instanceof OpenAmrError) {
      const lang = /^en/i.test(env.LANG ?? '') && !/^ru/i.test(env.LANG ?? '') ? 'en' : 'ru';
      const where = err.details.file ? ` [${err.details.file}${err.details.line ? `:${err.details.line}` : ''}${err.details.column ? `:${err.details.column}` : ''}]` : '';
      stderr.write(`openamr: ${err.messageIn(lang)}${where}\n`);
      return 1;
    }
    stderr.write(`openamr: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    if (database) await (await database.catch(() => undefined))?.close();
  }
}
