import {
  addDays,
  baseReportParams,
  InputError,
  tabularOutput,
  type BaseReportParams,
  type ConcentratorRow,
  type ReportContext,
  type ReportGenerator,
  type ReportOutput,
  type ReportTable,
} from '@openamr/core/plugin-api';

type State = 'ok' | 'stale' | 'error' | 'decommissioned';

export interface TechnicalMeterLine {
  premise: string;
  serial: string;
  deviceType: string;
  /** The meter's installation inside the period: one reading a day is expected from `activeFrom` to `activeTo`. */
  activeFrom: string;
  activeTo: string;
  expected: number;
  received: number;
  missing: number;
  lastReadingDay: string | null;
  errorCode: string | null;
  errorDescription: string | null;
  state: State;
  concentrator: string | null;
  concentratorId: string | null;
  lastPollOutcome: string | null;
}

export interface ConcentratorSummary {
  concentratorId: string | null;
  concentrator: string;
  meters: number;
  /** Meters without a reading on the last day of their installation inside the period. */
  silent: number;
  /** The day most of the silent meters stopped on (their last reading's next day). */
  silentSince: string | null;
  lastPollOutcome: string | null;
  lastPollAt: Date | null;
  summary: string;
}

export interface TechnicalExplanation {
  building: string;
  period: { from: string; to: string };
  meters: TechnicalMeterLine[];
  concentrators: ConcentratorSummary[];
}

const SEVERITY: Record<State, number> = { error: 0, stale: 1, ok: 2, decommissioned: 3 };
const STATE_TEXT: Record<State, { ru: string; en: string }> = {
  ok: { ru: 'в работе', en: 'ok' },
  stale: { ru: 'нет свежих показаний', en: 'stale' },
  error: { ru: 'ошибка', en: 'error' },
  decommissioned: { ru: 'выведен', en: 'decommissioned' },
};
const OUTCOME_TEXT: Record<string, { ru: string; en: string }> = {
  running: { ru: 'идёт опрос', en: 'running' },
  ok: { ru: 'успешно', en: 'ok' },
  partial: { ru: 'частично', en: 'partial' },
  'connection-error': { ru: 'нет связи', en: 'connection error' },
  'protocol-error': { ru: 'ошибка протокола', en: 'protocol error' },
  'config-error': { ru: 'ошибка настройки', en: 'configuration error' },
  timeout: { ru: 'превышено время', en: 'timeout' },
};

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000) + 1;

function concentratorName(c: ConcentratorRow): string {
  return [c.name, c.host, c.type].filter(Boolean).join(' · ');
}

/**
 * The technical report for engineers (F23): per meter the readings expected (one a day of
 * its installation inside the period), received and missing, the last one, the current error
 * and state, and the concentrator its data comes through with that concentrator's last poll;
 * the worst first, and a summary per concentrator so that a dead concentrator shows as one
 * line ("37 из 40 приборов молчат с 2024-01-12"), not as 37 meters.
 */
export class TechnicalReport implements ReportGenerator<BaseReportParams> {
  readonly id = 'technical.data-completeness';
  readonly label = { ru: 'Технический отчет: полнота данных', en: 'Technical report: data completeness' };
  readonly formats = ['xlsx', 'csv', 'json'] as const;
  readonly paramsSchema = baseReportParams;

  async generate(params: BaseReportParams, ctx: ReportContext): Promise<ReportOutput> {
    if (params.to < params.from) throw new InputError({ ru: 'Дата окончания раньше даты начала', en: 'The period ends before it starts' }, { field: 'to' });
    const { data, lang } = ctx;
    const ru = lang === 'ru';
    const [building, premises, meters, concentrators] = await Promise.all([
      data.building(params.buildingId),
      data.premises(params.buildingId),
      data.meters(params.buildingId),
      data.concentrators(params.buildingId),
    ]);
    const selected = params.premiseIds ? new Set(params.premiseIds) : undefined;
    const order = new Map(premises.map((p, i) => [p.id, i]));
    const numberOf = new Map(premises.map((p) => [p.id, p.number]));
    const inPeriod = meters
      .filter((m) => m.premiseId && (!selected || selected.has(m.premiseId)))
      .map((m) => ({ m, start: m.installedOn && m.installedOn > params.from ? m.installedOn : params.from, end: m.decommissionedOn && m.decommissionedOn < params.to ? m.decommissionedOn : params.to }))
      .filter((x) => x.start <= x.end);
    const activity = new Map((await data.meterActivity(inPeriod.map((x) => x.m.id), params.from, params.to)).map((a) => [a.meterId, a]));
    const byId = new Map(concentrators.map((c) => [c.id, c]));

    const lines: TechnicalMeterLine[] = inPeriod.map(({ m, start, end }) => {
      const a = activity.get(m.id)!;
      const type = data.deviceType(m.deviceTypeId);
      const expected = daysBetween(start, end);
      const c = a.concentratorId ? byId.get(a.concentratorId) : undefined;
      return {
        premise: numberOf.get(m.premiseId!)!,
        serial: m.serial,
        deviceType: type ? type.label[lang] : m.deviceTypeId,
        activeFrom: start,
        activeTo: end,
        expected,
        // Counted by the data source over the same installation days, so never more than expected.
        received: a.daysWithReadings,
        missing: expected - a.daysWithReadings,
        lastReadingDay: a.lastDay,
        errorCode: a.lastErrorCode,
        errorDescription: a.lastErrorCode ? (type?.errorCodes[a.lastErrorCode]?.[lang] ?? (ru ? 'код не описан' : 'unknown code')) : null,
        state: a.state,
        concentrator: c ? concentratorName(c) : null,
        concentratorId: c?.id ?? null,
        lastPollOutcome: c?.lastRun?.outcome ?? null,
      };
    });
    const rank = new Map(lines.map((l, i) => [l, order.get(inPeriod[i]!.m.premiseId!) ?? 0]));
    lines.sort((x, y) => y.missing - x.missing || SEVERITY[x.state] - SEVERITY[y.state] || rank.get(x)! - rank.get(y)! || (x.serial < y.serial ? -1 : x.serial > y.serial ? 1 : 0));

    const groups = new Map<string | null, TechnicalMeterLine[]>();
    for (const l of lines) groups.set(l.concentratorId, [...(groups.get(l.concentratorId) ?? []), l]);
    // Concentrators without meters in the data still show (a new or dead one).
    for (const c of concentrators) if (!groups.has(c.id)) groups.set(c.id, []);
    const summaries: ConcentratorSummary[] = [...groups].map(([id, ls]) => {
      const c = id ? byId.get(id) : undefined;
      const silent = ls.filter((l) => !l.lastReadingDay || l.lastReadingDay < l.activeTo);
      const since = new Map<string, number>();
      for (const l of silent) if (l.lastReadingDay) since.set(addDays(l.lastReadingDay, 1), (since.get(addDays(l.lastReadingDay, 1)) ?? 0) + 1);
      const silentSince = [...since].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
      const name = c ? concentratorName(c) : ru ? 'Без концентратора (ручной ввод, файлы)' : 'No concentrator (manual, files)';
      const summary = !ls.length
        ? ru ? 'нет приборов с данными через этот концентратор' : 'no meter data through this concentrator'
        : silent.length
          ? ru
            ? `${silent.length} из ${ls.length} приборов молчат${silentSince ? ` с ${silentSince}` : ''}`
            : `${silent.length} of ${ls.length} meters silent${silentSince ? ` since ${silentSince}` : ''}`
          : ru
            ? `все ${ls.length} приборов передают данные`
            : `all ${ls.length} meters report`;
      return { concentratorId: id, concentrator: name, meters: ls.length, silent: silent.length, silentSince, lastPollOutcome: c?.lastRun?.outcome ?? null, lastPollAt: c?.lastRun?.startedAt ?? null, summary };
    });
    summaries.sort((a, b) => b.silent / Math.max(1, b.meters) - a.silent / Math.max(1, a.meters) || b.silent - a.silent);

    const explanation: TechnicalExplanation = { building: building.name, period: { from: params.from, to: params.to }, meters: lines, concentrators: summaries };
    const title = [ru ? `Технический отчет: ${building.name}` : `Technical report: ${building.name}`, building.address, ru ? `Период: с ${params.from} по ${params.to}` : `Period: ${params.from} to ${params.to}`];
    const outcome = (o: string | null) => (o ? (OUTCOME_TEXT[o]?.[lang] ?? o) : '');
    const metersTable: ReportTable = {
      name: ru ? 'Приборы' : 'Meters',
      title,
      columns: [
        { key: 'premise', header: ru ? 'Помещение' : 'Premise', width: 12 },
        { key: 'serial', header: ru ? 'Серийный номер' : 'Serial', width: 16 },
        { key: 'deviceType', header: ru ? 'Тип прибора' : 'Device type', width: 26 },
        { key: 'expected', header: ru ? 'Ожидалось' : 'Expected', width: 11 },
        { key: 'received', header: ru ? 'Получено' : 'Received', width: 10 },
        { key: 'missing', header: ru ? 'Пропущено дней' : 'Missing days', width: 10 },
        { key: 'lastReadingDay', header: ru ? 'Последнее показание' : 'Last reading', width: 14 },
        { key: 'errorCode', header: ru ? 'Код ошибки' : 'Error code', width: 10 },
        { key: 'errorDescription', header: ru ? 'Описание ошибки' : 'Error', width: 24 },
        { key: 'stateText', header: ru ? 'Состояние' : 'State', width: 18 },
        { key: 'concentrator', header: ru ? 'Концентратор' : 'Concentrator', width: 28 },
        { key: 'pollText', header: ru ? 'Последний опрос' : 'Last poll', width: 16 },
      ],
      rows: lines.map((l) => ({ ...l, stateText: STATE_TEXT[l.state][lang], pollText: outcome(l.lastPollOutcome) })),
      highlight: (r) => (r.missing as number) > 0 || r.state === 'error',
    };
    const summaryTable: ReportTable = {
      name: ru ? 'Концентраторы' : 'Concentrators',
      title,
      columns: [
        { key: 'concentrator', header: ru ? 'Концентратор' : 'Concentrator', width: 36 },
        { key: 'meters', header: ru ? 'Приборов' : 'Meters', width: 10 },
        { key: 'silent', header: ru ? 'Молчат' : 'Silent', width: 10 },
        { key: 'silentSince', header: ru ? 'С даты' : 'Since', width: 12 },
        { key: 'pollText', header: ru ? 'Последний опрос' : 'Last poll', width: 16 },
        { key: 'summary', header: ru ? 'Вывод' : 'Summary', width: 44 },
      ],
      rows: summaries.map((s) => ({ ...s, pollText: outcome(s.lastPollOutcome) })),
      highlight: (r) => (r.silent as number) > 0,
    };
    return tabularOutput(params.format, { from: params.from, to: params.to, building: building.name }, [metersTable, summaryTable], explanation, []);
  }
}
