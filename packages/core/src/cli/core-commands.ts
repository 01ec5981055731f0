import Joi from 'joi';
import { open, readFile, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { isXlsx } from '../services/intake/table-file.js';
import { basename, resolve as resolvePath } from 'node:path';
import { ImportService } from '../services/intake/import-service.js';
import type { CliCommand, CommandContext } from '../plugin-api/command.js';
import type { ReadProblem } from '../plugin-api/reader-driver.js';
import { InputError } from '../plugin-api/errors.js';
import type { AppConfig } from '../config/config.js';
import type { Registries } from '../loader/registries.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrateLatest, migrateRollback } from '../db/migrations.js';
import { createApp, createContainer, syncDeviceTypes } from '../app.js';
import { loadDemo } from '../demo/load-demo.js';
import { AuditService } from '../services/audit-service.js';
import { UserService, generatePassword } from '../services/user-service.js';
import { ROLES, type Role } from '../services/roles.js';
import { SYSTEM_ACTOR } from '../services/actor.js';
import { UsageError } from './usage-error.js';

export interface CoreRuntime {
  config(): AppConfig;
  registries(): Registries;
}

async function withDatabase<T>(rt: CoreRuntime, fn: (db: Database) => Promise<T>): Promise<T> {
  const config = rt.config();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function withUsers<T>(rt: CoreRuntime, ctx: CommandContext, fn: (users: UserService) => Promise<T>): Promise<T> {
  return withDatabase(rt, async (db) => {
    await migrateLatest(db.knex, rt.registries().pluginMigrations());
    const c = createContainer(rt.config(), db, rt.registries(), ctx.logger);
    return fn(c.resolve(UserService));
  });
}

function banner(url: string, admin: { email: string; generatedPassword?: string; created: boolean }, dbDescription: string): string {
  const lines = [
    '',
    `  OpenAMR is running at ${url}`,
    `  Database: ${dbDescription}`,
    admin.generatedPassword
      ? `  Administrator: ${admin.email}  password: ${admin.generatedPassword}   (generated, shown only this once)`
      : `  Administrator: ${admin.email}${admin.created ? ' (password from OPENAMR_ADMIN_PASSWORD)' : ''}`,
    `  Forgot the password? npx openamr user passwd ${admin.email}`,
    '',
  ];
  return lines.join('\n') + '\n';
}

/** A one-line progress bar on a terminal (two passes: scan, then store); nothing otherwise. */
function progressBar(out: NodeJS.WritableStream, total: number, tty: boolean) {
  const done = { scan: 0, store: 0 };
  let last = 0;
  return (phase: 'scan' | 'store', bytes: number) => {
    done[phase] += bytes;
    if (!tty || Date.now() - last < 200) return;
    last = Date.now();
    const share = Math.min(1, (done.scan + done.store) / (2 * Math.max(total, 1)));
    const width = 30;
    const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
    out.write(`\r${phase === 'scan' ? 'Проверка' : 'Запись  '} ${bar} ${(share * 100).toFixed(0).padStart(3)}%`);
  };
}

export function coreCommands(rt: CoreRuntime): CliCommand[] {
  return [
    {
      name: 'serve',
      describe: 'Start the server: migrations, plugins, HTTP API and web UI (PORT, DATABASE_URL, …)',
      async run(_args, ctx) {
        const app = await createApp({ config: rt.config(), registries: rt.registries(), logger: ctx.logger });
        const url = await app.listen();
        ctx.stdout.write(banner(url, app.administrator, app.database.describe));
        await new Promise<void>((resolve) => {
          const shutdown = (signal: string) => {
            ctx.logger.info({ signal }, 'shutting down');
            app.stop().then(resolve, (err) => {
              ctx.logger.error({ err }, 'shutdown failed');
              resolve();
            });
          };
          process.once('SIGTERM', () => shutdown('SIGTERM'));
          process.once('SIGINT', () => shutdown('SIGINT'));
        });
        return 0;
      },
    },
    {
      name: 'migrate',
      describe: 'Bring the database schema up to date (or roll back the last batch with --down)',
      options: {
        down: { type: 'boolean', describe: 'Roll back the last batch of migrations' },
        all: { type: 'boolean', describe: 'With --down: roll back every migration' },
      },
      async run(args, ctx) {
        return withDatabase(rt, async (db) => {
          const plugins = rt.registries().pluginMigrations();
          const names = args.options.down ? await migrateRollback(db.knex, plugins, Boolean(args.options.all)) : await migrateLatest(db.knex, plugins);
          ctx.stdout.write(
            JSON.stringify({ [args.options.down ? 'reverted' : 'applied']: names, database: db.describe }, null, 2) + '\n',
          );
          return 0;
        });
      },
    },
    {
      name: 'demo',
      describe: 'Load the demo building «ул. Примерная, 1» (a no-op when it is already there)',
      async run(_args, ctx) {
        return withDatabase(rt, async (db) => {
          await migrateLatest(db.knex, rt.registries().pluginMigrations());
          const c = createContainer(rt.config(), db, rt.registries(), ctx.logger);
          await syncDeviceTypes(db, rt.registries());
          const result = await loadDemo(db.knex, c.resolve(AuditService));
          ctx.stdout.write(JSON.stringify(result, null, 2) + '\n');
          return 0;
        });
      },
    },
    {
      name: 'import',
      describe: 'Import a readings file (CSV or .xlsx, or a concentrator export with --driver); prints the summary',
      positionals: [{ name: 'FILE', required: true, describe: 'The file; see docs/formats.md' }],
      options: {
        building: { type: 'string', describe: 'Only meters of this building (its id) are accepted' },
        driver: { type: 'string', describe: "Parse with this reader driver's importFile (e.g. ftp.sonocollect)" },
        'dry-run': { type: 'boolean', describe: 'Check only: what would be stored, what is already there, errors' },
        'skip-bad': { type: 'boolean', describe: 'Store the valid rows and skip the listed bad ones' },
      },
      async run(args, ctx) {
        const file = resolvePath(ctx.cwd, args.positionals[0]!);
        let size: number;
        let head: Buffer;
        try {
          size = (await stat(file)).size;
          const fh = await open(file, 'r');
          head = Buffer.alloc(Math.min(8, size));
          await fh.read(head, 0, head.length, 0);
          await fh.close();
        } catch (err) {
          throw new InputError({ ru: `Не удалось прочитать ${file}: ${(err as Error).message}`, en: `Cannot read ${file}: ${(err as Error).message}` }, { file });
        }
        const tty = Boolean((ctx.stderr as NodeJS.WriteStream).isTTY);
        const progress = progressBar(ctx.stderr, size, tty);
        const actor = { ...SYSTEM_ACTOR, email: 'cli' };
        const options = { dryRun: Boolean(args.options['dry-run']), skipBad: Boolean(args.options['skip-bad']) };
        const buildingId = (args.options.building as string) ?? null;
        const driverId = (args.options.driver as string) ?? null;
        return withDatabase(rt, async (db) => {
          await migrateLatest(db.knex, rt.registries().pluginMigrations());
          await syncDeviceTypes(db, rt.registries());
          const c = createContainer(rt.config(), db, rt.registries(), ctx.logger);
          const imports = c.resolve(ImportService);
          // A CSV streams from disk (any size); an .xlsx or a driver's export is read whole.
          const streamable = !driverId && !isXlsx(head) && !head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
          // Every error goes to stderr, as found (the summary on stdout lists the first thousand):
          // FILE:LINE:COLUMN: reason, the column's number when the parser knows it, else the field.
          let midLine = false;
          const printError = (e: ReadProblem) => {
            if (tty && !midLine) ctx.stderr.write('\n');
            midLine = true;
            ctx.stderr.write(`${e.file ?? basename(file)}:${e.line ?? '-'}:${e.column ?? e.field ?? '-'}: ${e.message}\n`);
          };
          const summary = streamable
            ? await imports.importStream(actor, { fileName: basename(file), open: () => createReadStream(file, { highWaterMark: 1 << 20 }), path: file, buildingId }, { ...options, onProgress: progress, onProblem: printError })
            : await imports.importNow(actor, { fileName: basename(file), content: await readFile(file), buildingId, driverId }, options);
          if (tty) ctx.stderr.write('\n');
          ctx.stdout.write(JSON.stringify(summary, null, 2) + '\n');
          if (!streamable) summary.errors.forEach(printError);
          if (tty) ctx.stderr.write(`${summary.message}\n`);
          return summary.errors.length && !args.options['skip-bad'] ? 1 : 0;
        });
      },
    },
    {
      name: 'user create',
      describe: 'Create a user; prints the password when it was generated',
      positionals: [{ name: 'EMAIL', required: true, describe: 'The login' }],
      options: {
        role: { type: 'string', describe: `One of ${ROLES.join(', ')} (default operator)`, default: 'operator' },
        password: { type: 'string', describe: 'At least 8 characters; generated when omitted' },
        name: { type: 'string', describe: 'Display name' },
      },
      async run(args, ctx) {
        const email = args.positionals[0]!;
        const role = String(args.options.role);
        if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
        if (Joi.string().email({ tlds: false }).validate(email).error) throw new InputError({ ru: `Неверный email: ${email}`, en: `Invalid email: ${email}` }, { field: 'EMAIL' });
        const password = (args.options.password as string | undefined) ?? generatePassword();
        if (password.length < 8) throw new InputError({ ru: 'Пароль короче 8 символов', en: 'The password is shorter than 8 characters' }, { field: 'password' });
        const user = await withUsers(rt, ctx, (users) =>
          users.create(SYSTEM_ACTOR, { email, password, role: role as Role, name: (args.options.name as string) ?? null }),
        );
        ctx.stdout.write(JSON.stringify({ id: user.id, email: user.email, role: user.role, ...(args.options.password ? {} : { password }) }, null, 2) + '\n');
        return 0;
      },
    },
    {
      name: 'user passwd',
      describe: "Set a user's password (generated and printed when --password is omitted); ends their sessions",
      positionals: [{ name: 'EMAIL', required: true, describe: 'The login' }],
      options: { password: { type: 'string', describe: 'At least 8 characters; generated when omitted' } },
      async run(args, ctx) {
        const email = args.positionals[0]!;
        const password = (args.options.password as string | undefined) ?? generatePassword();
        if (password.length < 8) throw new InputError({ ru: 'Пароль короче 8 символов', en: 'The password is shorter than 8 characters' }, { field: 'password' });
        await withUsers(rt, ctx, async (users) => {
          const user = await users.findByEmail(email);
          if (!user) throw new InputError({ ru: `Пользователь ${email} не найден`, en: `User ${email} not found` }, { field: 'EMAIL' });
          await users.update(SYSTEM_ACTOR, user.id, { password });
        });
        ctx.stdout.write(JSON.stringify({ email, ...(args.options.password ? {} : { password }) }, null, 2) + '\n');
        return 0;
      },
    },
  ];
}
