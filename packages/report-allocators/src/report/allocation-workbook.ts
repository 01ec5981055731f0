import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import type { AllocationSuccess, MeterStatus, Method, PremiseResult } from '../engine/index.js';

export const METHOD_TEXT: Record<Method, { ru: string; en: string }> = {
  allocators: { ru: 'По распределителям', en: 'By allocators' },
  'heat-meter': { ru: 'По теплосчетчику', en: 'By heat meter' },
  'area-norm': { ru: 'По нормативу', en: 'By norm' },
  'area-average': { ru: 'По площади (среднее)', en: 'By area (average)' },
};

export const STATUS_TEXT: Record<MeterStatus, string> = {
  reported: 'передал показания',
  'not-in-period': 'не участвует в периоде',
  'no-start-reading': 'нет показания на начало',
  'no-end-reading': 'нет показания на конец',
  decreased: 'показание уменьшилось',
  error: 'ошибка прибора',
};

const KIND_TEXT = { residential: 'жилое', 'non-residential': 'нежилое' };

export function ruDate(day: string): string {
  return `${day.slice(8, 10)}.${day.slice(5, 7)}.${day.slice(0, 4)}`;
}

const num = (s: string | null | undefined) => (s === null || s === undefined ? null : Number(s));

export interface WorkbookContext {
  buildingName: string;
  buildingAddress: string;
  radiatorModels: Map<string, string>;
  warnings: string[];
  /** Only these premise numbers are listed (F24); the calculation covers the whole building. */
  selected?: Set<string>;
}

const GCAL = '0.0000';
const AREA = '0.00';
const UNITS = '0.0000';

// Shared, never mutated style objects: exceljs recognises a style object it has seen and skips
// re-rendering it, which halves the time to write thousands of rows.
type Style = Partial<ExcelJS.Style>;
const S = {
  plain: {} as Style,
  bold: { font: { bold: true } } as Style,
  title: { font: { bold: true, size: 14 } } as Style,
  warn: { font: { bold: true, color: { argb: 'FFB00020' } } } as Style,
  header: {
    font: { bold: true },
    alignment: { wrapText: true, vertical: 'middle' },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
    border: { bottom: { style: 'thin' } },
  } as Style,
  gcal: { numFmt: GCAL } as Style,
  area: { numFmt: AREA } as Style,
  units: { numFmt: UNITS } as Style,
  percent: { numFmt: '0.00' } as Style,
  perM2: { numFmt: '0.000000' } as Style,
  norm: { numFmt: '0.000000' } as Style,
  months: { numFmt: '0.0000' } as Style,
  perUnit: { numFmt: '0.0000000000' } as Style,
  coefficient: { numFmt: '0.00##' } as Style,
  totalGcal: { numFmt: GCAL, font: { bold: true } } as Style,
  totalArea: { numFmt: AREA, font: { bold: true } } as Style,
};

const PREMISE_STYLES = [S.plain, S.plain, S.area, S.plain, S.plain, S.plain, S.units, S.gcal, S.perM2];
const ALLOCATOR_STYLES = [S.plain, S.plain, S.plain, S.coefficient, S.plain, S.plain, S.plain, S.plain, S.plain, S.units];

/** Gives each written cell of a row its shared style (the first `styles.length` cells; the rest plain). */
function style(row: ExcelJS.Row, styles: Style[], rest: Style = S.plain): ExcelJS.Row {
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    cell.style = styles[col - 1] ?? rest;
  });
  return row;
}

/**
 * The allocation report (F20, B1): a sheet «Расчет» with the header block and a row per
 * premise, and a sheet «Распределители» with a row per allocator. Numbers are Excel numbers
 * with formats, never text.
 */
export async function writeAllocationWorkbook(result: AllocationSuccess, ctx: WorkbookContext): Promise<Buffer> {
  // The streaming writer: rows are committed as they are written (an order of magnitude
  // faster than the in-memory workbook for thousands of allocators).
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } } as never);
  wb.creator = 'OpenAMR';
  wb.created = new Date();
  const listed = (p: PremiseResult) => !ctx.selected || ctx.selected.has(p.id);

  const ws = wb.addWorksheet('Расчет');
  ws.columns = [{ width: 16 }, { width: 12 }, { width: 14 }, { width: 24 }, { width: 18 }, { width: 11 }, { width: 14 }, { width: 14 }, { width: 16 }];
  style(ws.addRow(['Распределение тепловой энергии по помещениям']), [S.title]);
  const kv = (label: string, value: unknown, fmt?: Style) => style(ws.addRow([label, value]), [S.bold, fmt ?? S.plain]);
  kv('Объект', ctx.buildingName);
  kv('Адрес', ctx.buildingAddress);
  kv('Период', `с ${ruDate(result.period.from)} по ${ruDate(result.period.to)}`);
  kv('Q, Гкал', num(result.heatGcal), S.gcal);
  kv('Источник Q', result.heatSource === 'manual' ? 'введено вручную (фактический расход ТЭ)' : 'показания ОДПУ');
  if (result.buildingMeter) {
    const bm = result.buildingMeter;
    style(ws.addRow([`ОДПУ на ${ruDate(bm.startDate)}, ${bm.unit}`, num(bm.startValue), `на ${ruDate(bm.endDate)}, ${bm.unit}`, num(bm.endValue)]), [S.bold, S.plain, S.bold, S.plain]);
  }
  kv('Считать по нормативу', result.options.byNorm ? 'да' : 'нет');
  kv('Учет помещений, передавших более 50% показаний', result.options.majority ? 'да' : 'нет');
  kv('Площадь дома S, м²', num(result.totalArea), S.area);
  kv('Охваченная площадь, м²', num(result.coveredArea), S.area);
  kv('Доля охваченной площади, %', num(result.coveragePercent), S.percent);
  if (Object.keys(result.normsUsed).length) {
    for (const [kind, n] of Object.entries(result.normsUsed)) {
      kv(`Норматив (${KIND_TEXT[kind as keyof typeof KIND_TEXT]}), Гкал/м² в мес. с ${ruDate(n!.from)}`, num(n!.value), S.norm);
    }
    kv('Длительность периода, мес.', num(result.monthFactor), S.months);
  } else {
    kv('Среднее по дому, Гкал/м²', num(result.averageGcalPerM2), S.norm);
  }
  kv('Q по распределителям, Гкал', num(result.allocatedGcal), S.gcal);
  kv('ΣR, приведенных единиц', num(result.totalUnits), S.units);
  kv('Гкал на приведенную единицу', num(result.gcalPerUnit), S.perUnit);
  for (const w of ctx.warnings) style(ws.addRow(['Внимание', w]), [S.warn]);
  ws.addRow([]);

  const header = style(ws.addRow(['Помещение', 'Вид', 'Площадь, м²', 'Метод', 'Распределители (передали/всего)', 'Оценено', 'R, ед.', 'Q, Гкал', 'Q на м², Гкал/м²']), [], S.header);
  const firstDataRow = header.number + 1;
  for (const p of result.premises.filter(listed)) {
    const row = ws.addRow([
      p.id,
      KIND_TEXT[p.kind],
      num(p.area),
      METHOD_TEXT[p.method].ru,
      p.allocatorsTotal ? `${p.allocatorsReported}/${p.allocatorsTotal}` : '',
      p.method === 'allocators' ? p.estimated : null,
      p.method === 'allocators' ? num(p.units) : null,
      num(p.gcal),
      num(p.gcalPerM2),
    ]);
    style(row, PREMISE_STYLES);
  }
  const lastDataRow = firstDataRow + result.premises.filter(listed).length - 1;
  const shown = result.premises.filter(listed);
  const total = ws.addRow(['Итого']);
  total.getCell(3).value = { formula: `SUM(C${firstDataRow}:C${lastDataRow})`, result: shown.reduce((s, p) => s + Number(p.area), 0) };
  total.getCell(8).value = { formula: `SUM(H${firstDataRow}:H${lastDataRow})`, result: Number(shown.reduce((s, p) => s + Number(p.gcal) * 10_000, 0).toFixed(0)) / 10_000 };
  style(total, [S.bold, S.plain, S.totalArea, S.plain, S.plain, S.plain, S.plain, S.totalGcal]);
  ws.commit();

  const wa = wb.addWorksheet('Распределители', { views: [{ state: 'frozen', ySplit: 1 }] });
  wa.columns = [
    { width: 12 },
    { width: 16 },
    { width: 26 },
    { width: 12 },
    { width: 12 },
    { width: 12 },
    { width: 14 },
    { width: 14 },
    { width: 12 },
    { width: 14 },
    { width: 10 },
    { width: 26 },
  ];
  style(wa.addRow(['Помещение', 'Серийный номер', 'Радиатор', 'Коэффициент', 'Начало', 'Конец', 'Показание на начало', 'Показание на конец', 'Разность', 'Приведенные ед.', 'Оценен', 'Состояние']), [], S.header);
  for (const p of result.premises.filter(listed)) {
    for (const a of p.allocators) {
      const row = wa.addRow([
        p.id,
        a.serial,
        ctx.radiatorModels.get(a.serial) ?? '',
        num(a.coefficient),
        a.start ? ruDate(a.start) : '',
        a.stop ? ruDate(a.stop) : '',
        num(a.startValue),
        num(a.endValue),
        num(a.delta),
        num(a.reducedUnits),
        a.estimated ? 'да' : 'нет',
        a.status === 'error' && a.errorCode ? `${STATUS_TEXT[a.status]} (${a.errorCode})` : STATUS_TEXT[a.status],
      ]);
      style(row, ALLOCATOR_STYLES).commit();
    }
  }
  wa.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}
