import type { Knex } from 'knex';
import { ensureReadingPartitions } from '../services/readings/reading-partitions.js';
import type { AuditService } from '../services/audit-service.js';
import { SYSTEM_ACTOR } from '../services/actor.js';
import { DEMO_BUILDING, DEMO_METERS, DEMO_MONTHLY_HEAT, DEMO_PREMISES } from './demo-data.js';

export interface DemoResult {
  loaded: boolean;
  buildingId: string;
}

/**
 * Loads the demo building in one transaction; a no-op when a building of that name exists.
 * Readings carry `demo:` source keys, so nothing is ever stored twice.
 */
export async function loadDemo(db: Knex, audit: AuditService): Promise<DemoResult> {
  const existing = await db('buildings').where({ name: DEMO_BUILDING.name }).first('id');
  if (existing) return { loaded: false, buildingId: existing.id };
  const days = [...DEMO_PREMISES.flatMap((p) => p.allocators.flatMap((a) => a.readings.map(([d]) => d))), ...DEMO_METERS.flatMap((m) => m.readings.map(([d]) => d))];
  await ensureReadingPartitions(db, days);

  return db.transaction(async (trx) => {
    const totalArea = DEMO_PREMISES.reduce((s, p) => s + Number(p.area) * 10, 0) / 10;
    const [building] = await trx('buildings')
      .insert({ name: DEMO_BUILDING.name, address: DEMO_BUILDING.address, time_zone: DEMO_BUILDING.timeZone, total_area: totalArea.toFixed(1), notes: 'Демонстрационный объект OpenAMR' })
      .returning('id');
    const buildingId: string = building.id;
    await trx('building_heat_readings').insert([...DEMO_BUILDING.heatReadings, ...DEMO_MONTHLY_HEAT].map(([day, value]) => ({ building_id: buildingId, day, value, unit: 'Gcal' })));
    await trx('norms').insert(DEMO_BUILDING.norms.map(([kind, from, value]) => ({ building_id: buildingId, kind, effective_from: from, value })));

    const coefficients = [...new Set(DEMO_PREMISES.flatMap((p) => p.allocators.map((a) => a.coefficient)))];
    const radiatorIds = new Map<string, string>();
    for (const k of coefficients) {
      const model = `Радиатор (демо) k=${k}`;
      const [r] = await trx('radiators')
        .insert({ model, manufacturer: 'OpenAMR demo', type: 'секционный', coefficient: k })
        .onConflict('model')
        .merge(['coefficient'])
        .returning('id');
      radiatorIds.set(k, r.id);
    }

    for (const p of DEMO_PREMISES) {
      const [premise] = await trx('premises')
        .insert({ building_id: buildingId, number: p.number, kind: p.kind, area: p.area, floor: p.floor, entrance: p.entrance, account_number: p.accountNumber })
        .returning('id');
      for (const a of p.allocators) {
        const [meter] = await trx('meters')
          .insert({ serial: a.serial, device_type_id: 'core.heat-cost-allocator', premise_id: premise.id, installed_on: '2023-09-01' })
          .returning('id');
        await trx('meter_radiators').insert({ meter_id: meter.id, radiator_id: radiatorIds.get(a.coefficient), valid_from: '2023-09-01' });
        if (a.readings.length) {
          await trx('readings').insert(
            a.readings.map(([day, value]) => ({
              meter_id: meter.id,
              day,
              taken_at: trx.raw('(?::date)::timestamp at time zone ?', [day, DEMO_BUILDING.timeZone]),
              value,
              unit: 'units',
              source: 'demo',
              source_key: `demo:${a.serial}:${day}`,
            })),
          );
        }
      }
    }
    // Water meters and the apartment heat meter (reports F21, F22, F23).
    const premiseIds = new Map((await trx('premises').where({ building_id: buildingId }).select('id', 'number')).map((p) => [p.number, p.id]));
    for (const m of DEMO_METERS) {
      const [meter] = await trx('meters')
        .insert({
          serial: m.serial,
          device_type_id: m.deviceTypeId,
          premise_id: premiseIds.get(m.premise),
          installed_on: m.installedOn,
          decommissioned_on: m.decommissionedOn ?? null,
          water_medium: m.waterMedium ?? null,
        })
        .returning('id');
      for (let i = 0; i < m.readings.length; i += 1000) {
        await trx('readings').insert(
          m.readings.slice(i, i + 1000).map(([day, value, values]) => ({
            meter_id: meter.id,
            day,
            taken_at: trx.raw('(?::date)::timestamp at time zone ?', [day, DEMO_BUILDING.timeZone]),
            value,
            unit: m.unit,
            values: values ? JSON.stringify({ energy: value, ...values }) : null,
            source: 'demo',
            source_key: `demo:${m.serial}:${day}`,
          })),
        );
      }
    }
    await audit.record(trx, SYSTEM_ACTOR, { action: 'import', entity: 'building', entityId: buildingId, after: { demo: DEMO_BUILDING.name, premises: DEMO_PREMISES.length } });
    return { loaded: true, buildingId };
  });
}
