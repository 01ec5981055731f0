import { parseArgs } from 'node:util';
import type { CliCommand, CommandArgs } from '../plugin-api/command.js';
import { UsageError } from './usage-error.js';

/** Parses a command's arguments against its declared positionals and options. */
export function parseCommandArgs(cmd: CliCommand, argv: string[]): CommandArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }> = {};
  for (const [name, o] of Object.entries(cmd.options ?? {})) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.default !== undefined ? { default: o.default } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const declared = cmd.positionals ?? [];
  const required = declared.filter((p) => p.required).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(`missing ${declared.slice(parsed.positionals.length, required).map((p) => p.name).join(' ')}`);
  }
  if (parsed.positionals.length > declared.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[declared.length]}"`);
  }
  return { positionals: parsed.positionals, options: parsed.values as CommandArgs['options'] };
}

export function commandUsage(cmd: CliCommand): string {
  const pos = (cmd.positionals ?? []).map((p) => (p.required ? p.name : `[${p.name}]`)).join(' ');
  const lines = [`Usage: openamr ${cmd.name}${pos ? ' ' + pos : ''}${cmd.options ? ' [options]' : ''}`, '', cmd.describe];
  const rows: Array<[string, string]> = [
    ...(cmd.positionals ?? []).filter((p) => p.describe).map((p) => [p.name, p.describe!] as [string, string]),
    ...Object.entries(cmd.options ?? {}).map(
      ([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' VALUE' : ''}`, o.describe] as [string, string],
    ),
  ];
  if (rows.length) {
    lines.push('');
    const width = Math.max(...rows.map(([a]) => a.length));
    for (const [a, b] of rows) lines.push(`  ${a.padEnd(width)}  ${b}`);
  }
  return lines.join('\n') + '\n';
}
