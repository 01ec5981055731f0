import type { RawReading, ReadBatch, ReadProblem } from '@openamr/core/plugin-api';

/** Which JSON fields of a message hold what (defaults: the INDIV-X-Gateway Mesh layout). */
export interface FieldMap {
  /** The array of readings in a message; a message without it is one reading. */
  readings: string;
  serial: string;
  time: string;
  value: string;
  /** An object of several quantities, e.g. `{ "volume": 1.2, "flow": 0.1 }`. */
  values: string;
  unit: string;
  errorCode: string;
  /** A unique id of the reading (unique per gateway); without it the key is serial + time. */
  id: string;
  /** The gateway's id in the message; without it the gateway is named by the topic. */
  gateway: string;
}

export const DEFAULT_FIELDS: FieldMap = { readings: 'readings', serial: 'serial', time: 'time', value: 'value', values: 'values', unit: 'unit', errorCode: 'error', id: 'id', gateway: 'gateway' };

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** No meter counts to 10^15: a larger number is a garbled one (and would not fit a numeric column as written). */
const LIMIT = 1e15;

/** A JSON value as a decimal string, or undefined when it is not a number. */
function decimal(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) < LIMIT ? String(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s.length <= 40 && NUMBER.test(s) && Math.abs(Number(s)) < LIMIT ? s : undefined;
}

const EARLIEST = Date.parse('1990-01-01T00:00:00Z');
const LATEST = Date.parse('2100-01-01T00:00:00Z');

/** An ISO time, or seconds / milliseconds since 1970 (a number above 10^11 is milliseconds), between 1990 and 2100. */
function instant(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const ms = v > 1e11 ? v : v * 1000;
    return ms >= EARLIEST && ms < LATEST ? new Date(ms).toISOString() : undefined;
  }
  if (typeof v !== 'string' || v.length > 40) return undefined;
  const ms = Date.parse(v);
  return ms >= EARLIEST && ms < LATEST ? v.trim() : undefined;
}

/** The gateway a message names (its `gateway` field), or undefined. */
function gatewayIn(body: Record<string, unknown>, f: FieldMap): string | undefined {
  const g = body[f.gateway];
  return typeof g === 'string' && g.trim() ? g.trim() : typeof g === 'number' ? String(g) : undefined;
}

/**
 * The readings of one MQTT message: a JSON object that is one reading, or holds an array
 * of them. What cannot be read — not JSON, a reading without a serial, time or number — is
 * a problem naming the topic and the field; the good readings of the message are kept.
 *
 * A reading's source key is `mesh:<gateway>:<id>` when it has an id, else
 * `mesh:<gateway>:<serial>:<time>`, the gateway being the message's `gateway` field or else
 * `topicGateway` (named by the topic): a message delivered again stores nothing new.
 */
export function parseMessage(topic: string, payload: Buffer, f: FieldMap, topicGateway: string): ReadBatch {
  const batch: ReadBatch = { source: `MQTT ${topic}`, readings: [], problems: [] };
  const problem = (code: string, message: string, meterSerial?: string): ReadProblem => ({ code, message: `Топик ${topic}: ${message}`, ...(meterSerial ? { meterSerial } : {}) });
  try {
    read(payload, f, topicGateway, batch, problem);
  } catch (err) {
    // Nothing in a payload may stop the subscription.
    batch.readings = [];
    batch.problems.push(problem('bad-payload', `сообщение не разобрано: ${(err as Error).message}`));
  }
  return batch;
}

function read(payload: Buffer, f: FieldMap, topicGateway: string, batch: ReadBatch, problem: (code: string, message: string, meterSerial?: string) => ReadProblem): void {
  // An empty message clears a retained one (MQTT 3.1.1 §3.3.1.3): nothing to read, nothing wrong.
  if (!payload.length) return;
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    batch.problems.push(problem('bad-payload', `сообщение не JSON (${(err as Error).message}): ${JSON.stringify(payload.toString('utf8').slice(0, 80))}`));
    return;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    batch.problems.push(problem('bad-payload', 'ожидался JSON-объект'));
    return;
  }
  const keyPrefix = `mesh:${gatewayIn(body as Record<string, unknown>, f) ?? topicGateway}`;
  const list = (body as Record<string, unknown>)[f.readings];
  const items: unknown[] = list === undefined ? [body] : Array.isArray(list) ? list : [];
  if (list !== undefined && !Array.isArray(list)) batch.problems.push(problem('bad-payload', `поле «${f.readings}» не массив`));
  items.forEach((item, i) => {
    const where = list === undefined ? '' : `${f.readings}[${i}].`;
    if (!item || typeof item !== 'object') {
      batch.problems.push(problem('bad-reading', `${where.replace(/\.$/, '')}: не объект`));
      return;
    }
    const r = item as Record<string, unknown>;
    const serialRaw = r[f.serial];
    const serial = typeof serialRaw === 'string' ? serialRaw.trim() : typeof serialRaw === 'number' ? String(serialRaw) : '';
    if (!serial) return void batch.problems.push(problem('bad-reading', `нет поля «${where}${f.serial}»`));
    const takenAt = instant(r[f.time]);
    if (!takenAt) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.time}»: неверное время ${JSON.stringify(r[f.time] ?? null)}`, serial));
    // The primary value first: the store takes the first value when no key is the device type's primary quantity.
    const entries: Array<[string, string]> = [];
    if (r[f.value] !== undefined) {
      const d = decimal(r[f.value]);
      if (d === undefined) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.value}»: не число ${JSON.stringify(r[f.value])}`, serial));
      entries.push(['value', d]);
    }
    const many = r[f.values];
    if (many !== undefined && (!many || typeof many !== 'object' || Array.isArray(many))) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.values}»: не объект`, serial));
    for (const [k, v] of Object.entries((many ?? {}) as Record<string, unknown>)) {
      const d = decimal(v);
      if (d === undefined) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.values}.${k}»: не число ${JSON.stringify(v)}`, serial));
      entries.push([k, d]);
    }
    if (!entries.length) return void batch.problems.push(problem('bad-reading', `нет ни «${where}${f.value}», ни «${where}${f.values}»`, serial));
    const values = Object.fromEntries(entries);
    const idRaw = r[f.id];
    const id = typeof idRaw === 'string' ? idRaw.trim() : typeof idRaw === 'number' ? String(idRaw) : '';
    const reading: RawReading = {
      meterSerial: serial,
      takenAt,
      values,
      sourceKey: `${keyPrefix}:${id || `${serial}:${takenAt}`}`,
      raw: JSON.stringify(item),
    };
    if (typeof r[f.unit] === 'string' && r[f.unit]) reading.unit = r[f.unit] as string;
    if (r[f.errorCode] !== undefined && r[f.errorCode] !== null && r[f.errorCode] !== '' && r[f.errorCode] !== 0) reading.errorCode = String(r[f.errorCode]);
    batch.readings.push(reading);
  });
}
