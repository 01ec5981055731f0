import { Decimal } from 'decimal.js';
import {
  addDays,
  baseReportParams,
  boundaryConsumption,
  InputError,
  meterPeriods,
  sumDecimals,
  tabularOutput,
  toGcal,
  type BaseReportParams,
  type ReportContext,
  type ReportGenerator,
  type ReportOutput,
  type ReportTable,
} from '@openamr/core/plugin-api';

export interface HeatMeterLine {
  premise: string;
  serial: string;
  unit: string;
  startDay: string;
  startEnergy: string | null;
  endDay: string;
  endEnergy: string | null;
  /** In the meter's unit, and in Gcal (exact); null without both boundary readings. */
  energy: string | null;
  gcal: string | null;
  startVolume: string | null;
  endVolume: string | null;
  volume: string | null;
  lastKnown: { day: string; value: string } | null;
}

export interface HeatMeterExplanation {
  building: string;
  period: { from: string; to: string };
  meters: HeatMeterLine[];
  totals: {
    gcal: string;
    volume: string;
    /** The building heat meter's consumption over the period in Gcal, null without its boundary readings. */
    buildingGcal: string | null;
    /** Apartment meters' share of the building's heat (0–1), null when it cannot be computed. */
    share: string | null;
  };
}

const D = Decimal.clone({ precision: 60 });
const volumeOf = (values: Record<string, string | number> | null) => (values && values.volume !== undefined ? String(values.volume) : null);

/** Apartment heat meters (F22): energy at both ends converted to Gcal, volume, and the building meter for comparison. */
export class HeatMeterReport implements ReportGenerator<BaseReportParams> {
  readonly id = 'heat-meters.consumption';
  readonly label = { ru: 'Расход тепла по квартирным теплосчетчикам', en: 'Apartment heat meter consumption' };
  readonly formats = ['xlsx', 'csv', 'json'] as const;
  readonly paramsSchema = baseReportParams;

  async generate(params: BaseReportParams, ctx: ReportContext): Promise<ReportOutput> {
    if (params.to < params.from) throw new InputError({ ru: 'Дата окончания раньше даты начала', en: 'The period ends before it starts' }, { field: 'to' });
    const { data, lang } = ctx;
    const ru = lang === 'ru';
    const after = addDays(params.to, 1);
    const [building, premises, meters, odpu] = await Promise.all([
      data.building(params.buildingId),
      data.premises(params.buildingId),
      data.meters(params.buildingId),
      data.heatReadings(params.buildingId, params.from, after),
    ]);
    const selected = params.premiseIds ? new Set(params.premiseIds) : undefined;
    const order = new Map(premises.map((p, i) => [p.id, i]));
    const numberOf = new Map(premises.map((p) => [p.id, p.number]));
    const heat = meters.filter((m) => m.kind === 'heat-meter' && m.premiseId && (!selected || selected.has(m.premiseId)));
    const consumption = await boundaryConsumption(data, meterPeriods(heat, params.from, params.to));
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    consumption.sort((a, b) => order.get(a.meter.premiseId!)! - order.get(b.meter.premiseId!)! || cmp(a.startDay, b.startDay) || cmp(a.meter.serial, b.meter.serial));
    const warnings: string[] = [];
    const lines: HeatMeterLine[] = consumption.map((c) => {
      const unit = c.end.unit ?? c.start.unit ?? c.meter.unit ?? 'Gcal';
      const gcal = c.consumption === null ? null : toGcal(c.consumption, unit) ?? null;
      const premise = numberOf.get(c.meter.premiseId!)!;
      if (c.consumption !== null && gcal === null) warnings.push(ru ? `${premise}, прибор ${c.meter.serial}: единица «${unit}» не энергия, в Гкал не пересчитан` : `${premise}, meter ${c.meter.serial}: unit "${unit}" is not energy`);
      if (c.consumption === null) {
        warnings.push(
          ru
            ? `${premise}, прибор ${c.meter.serial}: нет показаний на ${c.start.value === null ? c.startDay : c.endDay}${c.lastKnown ? ` (последнее ${c.lastKnown.value} на ${c.lastKnown.day})` : ' (показаний нет)'}; в итоги не вошел`
            : `${premise}, meter ${c.meter.serial}: no reading on ${c.start.value === null ? c.startDay : c.endDay}; left out of the totals`,
        );
      }
      const startVolume = volumeOf(c.start.values);
      const endVolume = volumeOf(c.end.values);
      return {
        premise,
        serial: c.meter.serial,
        unit,
        startDay: c.startDay,
        startEnergy: c.start.value,
        endDay: c.endDay,
        endEnergy: c.end.value,
        energy: c.consumption,
        gcal,
        startVolume,
        endVolume,
        volume: startVolume !== null && endVolume !== null ? new D(endVolume).minus(startVolume).toString() : null,
        lastKnown: c.lastKnown,
      };
    });

    const first = odpu.find((r) => r.day === params.from);
    const last = odpu.find((r) => r.day === after);
    const buildingGcal = first && last ? toGcal(new D(last.value).minus(first.value).toString(), last.unit) ?? null : null;
    if (!buildingGcal && first && last) {
      warnings.push(ru ? `Единица ОДПУ «${last.unit}» не энергия: сравнение с домом не выполнено` : `Building meter unit "${last.unit}" is not energy: no comparison`);
    } else if (!buildingGcal) {
      // Name only the boundary days without a reading.
      const days = [first ? null : params.from, last ? null : after].filter((d) => d !== null).join(ru ? ' и ' : ' and ');
      warnings.push(ru ? `Нет показаний ОДПУ на ${days}: сравнение с домом не выполнено` : `No building meter readings on ${days}: no comparison`);
    }
    const gcal = sumDecimals(lines.map((l) => l.gcal));
    const share = buildingGcal && !new D(buildingGcal).isZero() ? new D(gcal).div(buildingGcal).toString() : null;
    const explanation: HeatMeterExplanation = {
      building: building.name,
      period: { from: params.from, to: params.to },
      meters: lines,
      totals: { gcal, volume: sumDecimals(lines.map((l) => l.volume)), buildingGcal, share },
    };

    const noData = ru ? 'нет показаний' : 'no readings';
    const table: ReportTable = {
      name: ru ? 'Теплосчетчики' : 'Heat meters',
      title: [ru ? `Квартирные теплосчетчики: ${building.name}` : `Apartment heat meters: ${building.name}`, building.address, ru ? `Период: с ${params.from} по ${params.to}` : `Period: ${params.from} to ${params.to}`],
      columns: [
        { key: 'premise', header: ru ? 'Помещение' : 'Premise', width: 12 },
        { key: 'serial', header: ru ? 'Серийный номер' : 'Serial', width: 16 },
        { key: 'unit', header: ru ? 'Ед.' : 'Unit', width: 7 },
        { key: 'startDay', header: ru ? 'Дата начала' : 'Start date', width: 12 },
        { key: 'startEnergy', header: ru ? 'Энергия на начало' : 'Energy at start', width: 14, numFmt: '0.000' },
        { key: 'endDay', header: ru ? 'Дата окончания' : 'End date', width: 14 },
        { key: 'endEnergy', header: ru ? 'Энергия на конец' : 'Energy at end', width: 14, numFmt: '0.000' },
        { key: 'energy', header: ru ? 'Расход (ед. прибора)' : 'Consumption (meter unit)', width: 14, numFmt: '0.000' },
        { key: 'gcal', header: ru ? 'Расход, Гкал' : 'Consumption, Gcal', width: 14, numFmt: '0.000000' },
        { key: 'volume', header: ru ? 'Объем, м³' : 'Volume, m³', width: 12, numFmt: '0.000' },
        { key: 'note', header: ru ? 'Примечание' : 'Note', width: 40 },
      ],
      rows: lines.map((l) => ({
        ...l,
        startEnergy: l.startEnergy ?? noData,
        endEnergy: l.endEnergy ?? noData,
        energy: l.energy ?? noData,
        note: l.energy === null ? (l.lastKnown ? (ru ? `последнее показание ${l.lastKnown.value} на ${l.lastKnown.day}` : `last reading ${l.lastKnown.value} on ${l.lastKnown.day}`) : ru ? 'показаний нет' : 'never read') : '',
      })),
      highlight: (r) => r.energy === noData,
      totals: [
        { premise: ru ? 'Итого по квартирам' : 'Apartments total', gcal, volume: explanation.totals.volume },
        { premise: ru ? 'ОДПУ дома' : 'Building meter', gcal: buildingGcal ?? noData },
        { premise: ru ? 'Доля квартирных, %' : 'Apartments share, %', gcal: share ? new D(share).mul(100).toFixed(2) : '' },
      ],
    };
    return tabularOutput(params.format, { from: params.from, to: params.to, building: building.name }, [table], explanation, warnings);
  }
}
