import type { Knex } from 'knex';
import type { CommandReadings, StoredReading, StoredReadingQuery } from '../plugin-api/command.js';
import { InputError } from '../plugin-api/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toStored(r: Record<string, any>): StoredReading {
  return {
    id: r.id,
    meterId: r.meter_id,
    meterSerial: r.serial,
    deviceTypeId: r.device_type_id,
    takenAt: new Date(r.taken_at).toISOString(),
    date: r.day,
    value: r.value === null ? null : String(r.value),
    unit: r.unit,
    values: r.values,
    errorCode: r.error_code,
    source: r.source,
    raw: r.raw ?? null,
  };
}

/**
 * Commands' read-only view of stored readings over a knex handle that `connect` gives on the
 * first call (so a command that reads nothing opens nothing).
 */
export function createCommandReadings(connect: () => Promise<Knex>): CommandReadings {
  let knex: Promise<Knex> | undefined;
  return {
    async find(query: StoredReadingQuery) {
      let at: Date | undefined;
      if ('id' in query) {
        if (!UUID.test(query.id)) throw new InputError({ ru: `Неверный идентификатор показания: ${query.id}`, en: `Not a reading id: ${query.id}` });
      } else {
        at = query.at === undefined ? new Date() : new Date(query.at);
        if (Number.isNaN(at.getTime())) throw new InputError({ ru: `Неверное время: ${String(query.at)}`, en: `Not a time: ${String(query.at)}` });
      }
      const db = await (knex ??= connect());
      const q = db('readings as r')
        .join('meters as m', 'm.id', 'r.meter_id')
        .first('r.id', 'r.meter_id', 'm.serial', 'm.device_type_id', 'r.taken_at', 'r.day', 'r.value', 'r.unit', 'r.values', 'r.error_code', 'r.source', 'r.raw');
      if ('id' in query) q.where('r.id', query.id);
      else q.where('m.serial', query.meterSerial).where('r.taken_at', '<=', at!.toISOString()).orderBy([{ column: 'r.taken_at', order: 'desc' }, { column: 'r.created_at', order: 'desc' }]);
      let row;
      try {
        row = await q;
      } catch (err) {
        const code = (err as { code?: string }).code;
        // No readings table or no raw column yet: a database the migrations have not reached.
        if (code === '42P01' || code === '42703') throw new InputError({ ru: 'База данных не обновлена: выполните openamr migrate', en: 'The database is not up to date: run openamr migrate' }, {}, { cause: err });
        throw err;
      }
      return row ? toStored(row) : undefined;
    },
  };
}
