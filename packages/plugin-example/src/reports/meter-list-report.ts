import Joi from 'joi';
import { baseReportParams, InputError, type BaseReportParams, type ReportContext, type ReportGenerator, type ReportOutput } from '@openamr/core/plugin-api';

type Params = BaseReportParams;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The smallest report: the building's meters with their last reading on the period's last
 * day. It reads only through `ctx.data` and throws `InputError` for what the operator must fix.
 */
export class MeterListReport implements ReportGenerator<Params> {
  readonly id = 'example.meter-list';
  readonly label = { ru: 'Пример: список приборов', en: 'Example: meter list' };
  readonly formats = ['csv', 'json'] as const;
  readonly paramsSchema: Joi.ObjectSchema<Params> = baseReportParams.keys({
    format: Joi.string().valid('csv', 'json').default('csv'),
  });

  async generate(params: Params, ctx: ReportContext): Promise<ReportOutput> {
    if (params.to < params.from) throw new InputError({ ru: 'Дата окончания раньше даты начала', en: 'The period ends before it starts' }, { field: 'to' });
    const building = await ctx.data.building(params.buildingId);
    const premises = new Map((await ctx.data.premises(building.id)).map((p) => [p.id, p]));
    // Premises in the registry's order (data.premises), then serials.
    const rank = new Map([...premises.keys()].map((id, i) => [id, i]));
    const meters = (await ctx.data.meters(building.id))
      .filter((m) => !params.premiseIds || params.premiseIds.includes(m.premiseId ?? ''))
      .sort((a, b) => (rank.get(a.premiseId ?? '') ?? -1) - (rank.get(b.premiseId ?? '') ?? -1) || (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
    const last = new Map((await ctx.data.lastReadings(meters.map((m) => m.id), params.to)).map((r) => [r.meterId, r]));
    const rows = meters.map((m) => ({
      premise: premises.get(m.premiseId ?? '')?.number ?? '',
      serial: m.serial,
      deviceType: m.deviceTypeId,
      lastDay: last.get(m.id)?.day ?? null,
      lastValue: last.get(m.id)?.value ?? null,
    }));
    const warnings = rows.filter((r) => r.lastDay === null).map((r) => `${r.serial}: нет показаний до ${params.to}`);
    const base = `Приборы ${building.name} на ${params.to}`;
    if (params.format === 'json') {
      return { fileName: `${base}.json`, mediaType: 'application/json', content: JSON.stringify({ building: building.name, rows }, null, 2), warnings };
    }
    const header = ['Помещение', 'Серийный номер', 'Тип', 'Дата показания', 'Показание'];
    const lines = [header, ...rows.map((r) => [r.premise, r.serial, r.deviceType, r.lastDay, r.lastValue])].map((l) => l.map(csvCell).join(';'));
    return { fileName: `${base}.csv`, mediaType: 'text/csv; charset=utf-8', content: '\uFEFF' + lines.join('\r\n') + '\r\n', warnings };
  }
}
