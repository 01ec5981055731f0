import type { ConcentratorTarget, PollReaderDriver, ReadBatch } from '@openamr/core/plugin-api';
import { createDriverContext } from '@openamr/core/testing';

/** Reads a whole session as the core does: every batch, then `close()` once. */
export async function readAll<S>(driver: PollReaderDriver<S>, target: ConcentratorTarget<S>, signal?: AbortSignal): Promise<ReadBatch[]> {
  const session = await driver.open(target, createDriverContext({ signal }));
  const out: ReadBatch[] = [];
  try {
    for await (const b of session.read()) out.push(b);
  } finally {
    await session.close();
  }
  return out;
}
