import Joi from 'joi';
import type { BaseReportParams } from './report-generator.js';

const isoDay = Joi.string()
  .pattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD')
  .custom((value: string, helpers) => {
    const d = new Date(`${value}T00:00:00Z`);
    return d.toISOString().slice(0, 10) === value ? value : helpers.error('any.invalid');
  });

/** A calendar day `YYYY-MM-DD` that exists (no 2024-02-30). */
export const dayParam = isoDay;

/**
 * The parameters every report takes (F24). Extend it with the report's own fields:
 * `baseReportParams.keys({ byNorm: Joi.boolean().default(false) })`.
 */
export const baseReportParams: Joi.ObjectSchema<BaseReportParams> = Joi.object({
  buildingId: Joi.string().guid().required(),
  from: isoDay.required(),
  to: isoDay.required(),
  premiseIds: Joi.array().items(Joi.string().guid()).unique().min(1),
  format: Joi.string().valid('xlsx', 'csv', 'json').default('xlsx'),
});
