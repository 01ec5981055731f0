import Joi from 'joi';
import { dayParam } from '../plugin-api/report-params.js';

/** A UUID path or body id. */
export const uuid = Joi.string().guid({ version: ['uuidv4', 'uuidv5', 'uuidv7'] }).messages({ 'string.guid': '{{#label}} must be a UUID' });

export const idParams = Joi.object({ id: uuid.required() });

/** A calendar day `YYYY-MM-DD`. */
export const day = dayParam;

/**
 * A decimal as a JSON number or a decimal string (`12.5`, `12,5` is refused: the API is not
 * localised); normalised to a string so no binary float reaches the database.
 */
export function decimal(opts: { min?: number; positive?: boolean; max?: number } = {}) {
  return Joi.alternatives()
    .try(Joi.number(), Joi.string().trim().pattern(/^-?\d+(\.\d+)?$/, 'decimal'))
    .custom((value: number | string, helpers) => {
      const text = typeof value === 'number' ? String(value) : value;
      if (!Number.isFinite(Number(text)) || /e/i.test(text)) return helpers.error('any.invalid');
      const n = Number(text);
      if (opts.positive && !(n > 0)) return helpers.error('number.positive');
      if (opts.min !== undefined && n < opts.min) return helpers.error('number.min', { limit: opts.min });
      if (opts.max !== undefined && n > opts.max) return helpers.error('number.max', { limit: opts.max });
      return text;
    })
    .messages({
      'alternatives.types': '{{#label}} must be a number or a decimal string',
      'alternatives.match': '{{#label}} must be a number or a decimal string',
      'number.positive': '{{#label}} must be greater than 0',
      'number.min': '{{#label}} must be at least {{#limit}}',
      'number.max': '{{#label}} must be at most {{#limit}}',
    });
}

export const premiseKind = Joi.string().valid('residential', 'non-residential');
