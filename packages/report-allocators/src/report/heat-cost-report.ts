import Joi from 'joi';
import { baseReportParams, InputError, reportFileName, type ReportContext, type ReportGenerator, type ReportOutput } from '@openamr/core/plugin-api';
import { allocateValidated, type AllocationInput } from '../engine/index.js';
import type { AllocationSuccess } from '../engine/index.js';
import { buildAllocationInput, type AllocatorParams } from './build-allocation-input.js';
import { METHOD_TEXT, writeAllocationWorkbook } from './allocation-workbook.js';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The allocators report (`allocators.heat-cost`): loads the building and period through the
 * data source, runs `allocate`, and writes the workbook. A calculation error reaches the
 * operator as an InputError with the spec's words; a selection of premises (F24) is still
 * calculated over the whole building.
 */
export class HeatCostReport implements ReportGenerator<AllocatorParams> {
  readonly id = 'allocators.heat-cost';
  readonly label = { ru: 'Распределение по распределителям', en: 'Heat cost allocation' };
  readonly formats = ['xlsx', 'csv', 'json'] as const;
  readonly paramsSchema = (baseReportParams as Joi.ObjectSchema).keys({
    byNorm: Joi.boolean().default(false),
    majority: Joi.boolean().default(false),
    manualHeatGcal: Joi.alternatives()
      .try(Joi.string().trim().pattern(/^\d+(\.\d+)?$/), Joi.number().positive())
      .allow(null)
      .default(null),
  }) as Joi.ObjectSchema<AllocatorParams>;

  async generate(params: AllocatorParams, ctx: ReportContext): Promise<ReportOutput> {
    if (params.to < params.from) {
      throw new InputError({ ru: 'Дата окончания расчета раньше даты начала', en: 'The period ends before it starts' }, { field: 'to' });
    }
    const manual = params.manualHeatGcal === null || params.manualHeatGcal === undefined ? null : String(params.manualHeatGcal);
    const { input, context } = await buildAllocationInput(ctx.data, { ...params, manualHeatGcal: manual });
    const result = allocateValidated(input as unknown as AllocationInput);
    if (!result.ok) {
      throw new InputError({ ru: result.error.message, en: result.error.messageEn }, { code: result.error.code });
    }
    const selected = params.premiseIds ? new Set([...context.premiseIdsByNumber].filter(([, id]) => params.premiseIds!.includes(id)).map(([n]) => n)) : undefined;
    const explanation = this.explain(result, selected);
    const fileBase = { from: params.from, to: params.to, building: context.buildingName };
    if (params.format === 'json') {
      return {
        fileName: reportFileName(fileBase.from, fileBase.to, fileBase.building, 'json'),
        mediaType: 'application/json',
        content: JSON.stringify(explanation, null, 2),
        explanation,
        warnings: context.warnings,
      };
    }
    if (params.format === 'csv') {
      const header = ['Помещение', 'Вид', 'Площадь, м²', 'Метод', 'Передали', 'Всего', 'Оценено', 'R, ед.', 'Q, Гкал'];
      const rows = explanation.premises.map((p) => [p.id, p.kind, p.area, METHOD_TEXT[p.method].ru, p.allocatorsReported, p.allocatorsTotal, p.estimated ?? '', p.units ?? '', p.gcal]);
      return {
        fileName: reportFileName(fileBase.from, fileBase.to, fileBase.building, 'csv'),
        mediaType: 'text/csv; charset=utf-8',
        content: '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n',
        explanation,
        warnings: context.warnings,
      };
    }
    const content = await writeAllocationWorkbook(result, {
      buildingName: context.buildingName,
      buildingAddress: context.buildingAddress,
      radiatorModels: context.radiatorModels,
      warnings: context.warnings,
      selected,
    });
    return {
      fileName: reportFileName(fileBase.from, fileBase.to, fileBase.building, 'xlsx'),
      mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content,
      explanation,
      warnings: context.warnings,
    };
  }

  /** The result with only the selected premises listed (the totals stay the building's). */
  private explain(result: AllocationSuccess, selected?: Set<string>): AllocationSuccess {
    return selected ? { ...result, premises: result.premises.filter((p) => selected.has(p.id)) } : result;
  }
}
