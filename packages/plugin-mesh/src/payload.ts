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
  /** A message-unique id of the reading; without it the key is serial + time. */
  id: string;
}

export const DEFAULT_FIELDS: FieldMap = { readings: 'readings', serial: 'serial', time: 'time', value: 'value', values: 'values', unit: 'unit', errorCode: 'error', id: 'id' };

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A JSON value as a decimal string, or undefined when it is not a number. */
function decimal(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && NUMBER.test(v.trim())) return v.trim();
  return undefined;
}

/** An ISO time, or seconds / milliseconds since 1970 (a number above 10^11 is milliseconds). */
function instant(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e11 ? v : v * 1000).toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return v;
  return undefined;
}

/**
 * The readings of one MQTT message: a JSON object that is one reading, or holds an array
 * of them. What cannot be read — not JSON, a reading without a serial, time or number — is
 * a problem naming the topic and the field; the good readings of the message are kept.
 */
export function parseMessage(topic: string, payload: Buffer, f: FieldMap, keyPrefix: string): ReadBatch {
  const batch: ReadBatch = { source: `MQTT ${topic}`, readings: [], problems: [] };
  const problem = (code: string, message: string, meterSerial?: string): ReadProblem => ({ code, message: `Топик ${topic}: ${message}`, ...(meterSerial ? { meterSerial } : {}) });
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    batch.problems.push(problem('bad-payload', `сообщение не JSON (${(err as Error).message}): ${JSON.stringify(payload.toString('utf8').slice(0, 80))}`));
    return batch;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    batch.problems.push(problem('bad-payload', 'ожидался JSON-объект'));
    return batch;
  }
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
    const values: Record<string, string> = {};
    const many = r[f.values];
    if (many && typeof many === 'object' && !Array.isArray(many)) {
      for (const [k, v] of Object.entries(many as Record<string, unknown>)) {
        const d = decimal(v);
        if (d === undefined) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.values}.${k}»: не число ${JSON.stringify(v)}`, serial));
        values[k] = d;
      }
    }
    if (r[f.value] !== undefined) {
      const d = decimal(r[f.value]);
      if (d === undefined) return void batch.problems.push(problem('bad-reading', `поле «${where}${f.value}»: не число ${JSON.stringify(r[f.value])}`, serial));
      values.value = d;
    }
    if (!Object.keys(values).length) return void batch.problems.push(problem('bad-reading', `нет ни «${where}${f.value}», ни «${where}${f.values}»`, serial));
    const id = r[f.id];
    const reading: RawReading = {
      meterSerial: serial,
      takenAt,
      // A lone value is the meter's primary quantity: the store takes the first value when the key is not one of the type's.
      values,
      sourceKey: `${keyPrefix}:${id !== undefined && id !== null && id !== '' ? String(id) : `${serial}:${takenAt}`}`,
      raw: JSON.stringify(item),
    };
    if (typeof r[f.unit] === 'string' && r[f.unit]) reading.unit = r[f.unit] as string;
    if (r[f.errorCode] !== undefined && r[f.errorCode] !== null && r[f.errorCode] !== '' && r[f.errorCode] !== 0) reading.errorCode = String(r[f.errorCode]);
    batch.readings.push(reading);
  });
  return batch;
}
