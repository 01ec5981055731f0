import type { ConcentratorTarget, KnownMeter, PollReaderDriver, ReadBatch, ReaderSession } from '@openamr/core/plugin-api';
import { createDriverContext } from '@openamr/core/testing';

/** The settings as the core hands them to the driver: validated, defaults applied. */
export function validSettings<S>(driver: PollReaderDriver<S>, raw: Record<string, unknown>): S {
  const { value, error } = driver.settingsSchema.validate(raw);
  if (error) throw error;
  return value as S;
}

export function targetOf<S>(driver: PollReaderDriver<S>, raw: Record<string, unknown>, extra: Partial<ConcentratorTarget<S>> = {}): ConcentratorTarget<S> {
  return { id: 'c1', buildingId: 'b1', type: 'total-rs485', settings: validSettings(driver, raw), timeZone: 'Europe/Moscow', ...extra };
}

/** Reads a whole session as the core does: every batch, then `close()` once. */
export async function poll<S>(driver: PollReaderDriver<S>, target: ConcentratorTarget<S>, opts: { signal?: AbortSignal; meters?: KnownMeter[] } = {}): Promise<ReadBatch[]> {
  const session: ReaderSession = await driver.open(target, createDriverContext(opts));
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

/** Quantities of a three-phase SDM630 (kW and kWh, as stored). */
export const SDM630 = { voltageL1: 230.1, voltageL2: 229.8, voltageL3: 231.4, currentL1: 5.25, currentL2: 0.5, currentL3: 12.125, powerL1: 1.2, powerL2: 0.1, powerL3: 2.75, power: 4.05, activeEnergy: 12345.67, exportEnergy: 1.5, reactiveImportEnergy: 321.09, reactiveExportEnergy: 0, totalEnergy: 12347.17 };
export const SDM120 = { voltage: 228.5, current: 3.75, power: 0.85, activeEnergy: 987.125, exportEnergy: 0, reactiveImportEnergy: 12.5, reactiveExportEnergy: 0.25, totalEnergy: 987.125 };

/** The values as the driver gives them: exact decimal strings. */
export const asStrings = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
