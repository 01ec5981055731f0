import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConcentratorTarget, PollReaderDriver, ReadBatch, ReaderSession } from '@openamr/core/plugin-api';
import { createDriverContext } from '@openamr/core/testing';

export const HEADER = 'serial;date;value;unit;error_code';

export function tempDir(prefix = 'amr-ftp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a readings CSV and dates it, so the order of files is known. */
export function writeCsv(dir: string, name: string, rows: string[], mtime: string): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...rows, ''].join('\n'));
  utimesSync(path, new Date(mtime), new Date(mtime));
  return path;
}

export function setMtime(path: string, mtime: string): void {
  utimesSync(path, new Date(mtime), new Date(mtime));
}

/** The settings as the core hands them to the driver: validated, defaults applied. */
export function validSettings<S>(driver: PollReaderDriver<S>, raw: Record<string, unknown>): S {
  const { value, error } = driver.settingsSchema.validate(raw);
  if (error) throw error;
  return value as S;
}

export function targetOf<S>(settings: S, extra: Partial<ConcentratorTarget<S>> = {}): ConcentratorTarget<S> {
  return { id: 'c1', buildingId: 'b1', type: 'indiv-x-total', settings, timeZone: 'Europe/Moscow', ...extra };
}

/** Reads a whole session as the core does: every batch, then `close()` once. */
export async function poll<S>(driver: PollReaderDriver<S>, target: ConcentratorTarget<S>, signal?: AbortSignal): Promise<ReadBatch[]> {
  const session: ReaderSession = await driver.open(target, createDriverContext({ signal }));
  const batches: ReadBatch[] = [];
  try {
    for await (const batch of session.read()) batches.push(batch);
  } finally {
    await session.close();
  }
  return batches;
}

export async function caught(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
