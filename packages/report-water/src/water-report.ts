import {
  baseReportParams,
  boundaryConsumption,

  InputError,
  meterPeriods,
  sumDecimals,
  tabularOutput,
  type BaseReportParams,
  type MeterConsumption,
  type ReportContext,
  type ReportGenerator,
  type ReportOutput,
  type ReportTable,
} from '@openamr/core/plugin-api';

type Medium = 'hot' | 'cold';

export interface WaterMeterLine {
  premise: string;
  medium: Medium | null;
  serial: string;
  installedOn: string | null;
  decommissionedOn: string | null;
  startDay: string;
  startValue: string | null;
  endDay: string;
  endValue: string | null;
  /** m³, exact; null when a boundary reading is missing («нет показаний»). */
  consumption: string | null;
  lastKnown: { day: string; value: string } | null;
}

export interface WaterExplanation {
  building: string;
  period: { from: string; to: string };
  meters: WaterMeterLine[];
  premises: Array<{ premise: string; hot: string; cold: string; incomplete: boolean }>;
  totals: { hot: string; cold: string };
}

const MEDIUM = { hot: { ru: 'ГВС', en: 'Hot' }, cold: { ru: 'ХВС', en: 'Cold' } } as const;

/** Water consumption (F21) per premise and meter: the readings of the first day and of the day after the last. */
export class WaterReport implements ReportGenerator<BaseReportParams> {
  readonly id = 'water.consumption';
  readonly label = { ru: 'Расход воды по квартирам', en: 'Water consumption by premise' };
  readonly formats = ['xlsx', 'csv', 'json'] as const;
  readonly paramsSchema = baseReportParams;

  async generate(params: BaseReportParams, ctx: ReportContext): Promise<ReportOutput> {
    if (params.to < params.from) throw new InputError({ ru: 'Дата окончания раньше даты начала', en: 'The period ends before it starts' }, { field: 'to' });
    const { data, lang } = ctx;
    const [building, premises, meters] = await Promise.all([data.building(params.buildingId), data.premises(params.buildingId), data.meters(params.buildingId)]);
    const selected = params.premiseIds ? new Set(params.premiseIds) : undefined;
    const order = new Map(premises.map((p, i) => [p.id, i]));
    const numberOf = new Map(premises.map((p) => [p.id, p.number]));
    const water = meters.filter((m) => m.kind === 'water-meter' && m.premiseId && (!selected || selected.has(m.premiseId)));
    const consumption = await boundaryConsumption(data, meterPeriods(water, params.from, params.to));
    // Premise order, hot before cold, then by installation; plain comparisons (ICU collation is slow).
    const rank = { hot: 0, cold: 1 } as const;
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    consumption.sort(
      (a, b) =>
        order.get(a.meter.premiseId!)! - order.get(b.meter.premiseId!)! ||
        (a.meter.waterMedium ? rank[a.meter.waterMedium] : 2) - (b.meter.waterMedium ? rank[b.meter.waterMedium] : 2) ||
        cmp(a.startDay, b.startDay) ||
        cmp(a.meter.serial, b.meter.serial),
    );
    const lines: WaterMeterLine[] = consumption.map((c: MeterConsumption) => ({
      premise: numberOf.get(c.meter.premiseId!)!,
      medium: c.meter.waterMedium,
      serial: c.meter.serial,
      installedOn: c.meter.installedOn,
      decommissionedOn: c.meter.decommissionedOn,
      startDay: c.startDay,
      startValue: c.start.value,
      endDay: c.endDay,
      endValue: c.end.value,
      consumption: c.consumption,
      lastKnown: c.lastKnown,
    }));
    const byPremise = new Map<string, WaterMeterLine[]>();
    for (const l of lines) {
      const of = byPremise.get(l.premise);
      if (of) of.push(l);
      else byPremise.set(l.premise, [l]);
    }
    const sumOf = (ls: WaterMeterLine[], medium: Medium) => sumDecimals(ls.filter((l) => l.medium === medium).map((l) => l.consumption));
    const premiseTotals = [...byPremise].map(([premise, ls]) => ({ premise, hot: sumOf(ls, 'hot'), cold: sumOf(ls, 'cold'), incomplete: ls.some((l) => l.consumption === null) }));
    const totals = { hot: sumOf(lines, 'hot'), cold: sumOf(lines, 'cold') };
    const noData = lang === 'ru' ? 'нет показаний' : 'no readings';
    const warnings = lines
      .filter((l) => l.consumption === null)
      .map((l) =>
        lang === 'ru'
          ? `${l.premise}, прибор ${l.serial}: нет показаний на ${l.startValue === null ? l.startDay : l.endDay}${l.lastKnown ? ` (последнее ${l.lastKnown.value} на ${l.lastKnown.day})` : ' (показаний нет)'}; в итоги не вошел`
          : `${l.premise}, meter ${l.serial}: no reading on ${l.startValue === null ? l.startDay : l.endDay}${l.lastKnown ? ` (last ${l.lastKnown.value} on ${l.lastKnown.day})` : ' (never read)'}; left out of the totals`,
      );
    const explanation: WaterExplanation = { building: building.name, period: { from: params.from, to: params.to }, meters: lines, premises: premiseTotals, totals };

    const ru = lang === 'ru';
    const title = [ru ? `Расход воды: ${building.name}` : `Water consumption: ${building.name}`, building.address, ru ? `Период: с ${params.from} по ${params.to}` : `Period: ${params.from} to ${params.to}`];
    const metersTable: ReportTable = {
      name: ru ? 'Приборы' : 'Meters',
      title,
      columns: [
        { key: 'premise', header: ru ? 'Помещение' : 'Premise', width: 12 },
        { key: 'medium', header: ru ? 'Вода' : 'Water', width: 8 },
        { key: 'serial', header: ru ? 'Серийный номер' : 'Serial', width: 16 },
        { key: 'startDay', header: ru ? 'Дата начала' : 'Start date', width: 12 },
        { key: 'startValue', header: ru ? 'Показание, м³' : 'Reading, m³', width: 14, numFmt: '0.000' },
        { key: 'endDay', header: ru ? 'Дата окончания' : 'End date', width: 14 },
        { key: 'endValue', header: ru ? 'Показание, м³' : 'Reading, m³', width: 14, numFmt: '0.000' },
        { key: 'consumption', header: ru ? 'Расход, м³' : 'Consumption, m³', width: 14, numFmt: '0.000' },
        { key: 'note', header: ru ? 'Примечание' : 'Note', width: 48 },
      ],
      // Named fields, not `{ ...l }` (V8 spreads these objects slowly; see meter-consumption.ts).
      rows: lines.map((l) => ({
        premise: l.premise,
        serial: l.serial,
        startDay: l.startDay,
        endDay: l.endDay,
        medium: l.medium ? MEDIUM[l.medium][lang] : '',
        startValue: l.startValue ?? noData,
        endValue: l.endValue ?? noData,
        consumption: l.consumption ?? noData,
        note: [
          l.installedOn && l.installedOn > params.from ? (ru ? `установлен ${l.installedOn}` : `installed ${l.installedOn}`) : '',
          l.decommissionedOn && l.decommissionedOn <= l.endDay ? (ru ? `снят ${l.decommissionedOn}` : `removed ${l.decommissionedOn}`) : '',
          l.consumption === null ? (l.lastKnown ? (ru ? `последнее показание ${l.lastKnown.value} на ${l.lastKnown.day}` : `last reading ${l.lastKnown.value} on ${l.lastKnown.day}`) : ru ? 'показаний нет' : 'never read') : '',
        ]
          .filter(Boolean)
          .join('; '),
      })),
      highlight: (r) => r.consumption === noData,
      totals: [
        { premise: ru ? 'Итого ГВС' : 'Total hot', consumption: totals.hot },
        { premise: ru ? 'Итого ХВС' : 'Total cold', consumption: totals.cold },
      ],
    };
    const premisesTable: ReportTable = {
      name: ru ? 'Помещения' : 'Premises',
      title,
      columns: [
        { key: 'premise', header: ru ? 'Помещение' : 'Premise', width: 12 },
        { key: 'hot', header: ru ? 'ГВС, м³' : 'Hot, m³', width: 12, numFmt: '0.000' },
        { key: 'cold', header: ru ? 'ХВС, м³' : 'Cold, m³', width: 12, numFmt: '0.000' },
        { key: 'note', header: ru ? 'Примечание' : 'Note', width: 40 },
      ],
      rows: premiseTotals.map((p) => ({ premise: p.premise, hot: p.hot, cold: p.cold, note: p.incomplete ? (ru ? 'не по всем приборам есть показания' : 'readings missing for some meters') : '' })),
      totals: [{ premise: ru ? 'Итого' : 'Total', hot: totals.hot, cold: totals.cold }],
    };
    return tabularOutput(params.format, { from: params.from, to: params.to, building: building.name }, [metersTable, premisesTable], explanation, warnings);
  }
}

