import Joi from 'joi';
import { isValidDay, type Day } from './days.js';
import { AllocationInputError } from './errors.js';
import type { HeatUnit } from './decimal.js';

/** A decimal as the input gives it: a JSON number or a decimal string (kept exact). */
export type DecimalInput = number | string;

export interface DatedValue {
  date: Day;
  value: DecimalInput;
}

export interface MeterInput {
  serial: string;
  installed?: Day | null;
  removed?: Day | null;
  readings: DatedValue[];
  errors?: Array<{ date: Day; code: string }>;
}

export interface AllocatorInput extends MeterInput {
  coefficient: DecimalInput;
}

export interface HeatMeterInput extends MeterInput {
  unit: HeatUnit;
}

/** Residential (apartments) or non-residential premises: each kind has its own norms. */
export type PremiseKind = 'residential' | 'non-residential';

export interface PremiseInput {
  id: string;
  kind: PremiseKind;
  area: DecimalInput;
  allocators: AllocatorInput[];
  heatMeters?: HeatMeterInput[];
}

export interface AllocationInput {
  building: string;
  period: { from: Day; to: Day };
  options: { byNorm: boolean; majority: boolean; manualHeatGcal: DecimalInput | null };
  buildingMeter: { unit: HeatUnit; readings: DatedValue[] };
  norms: Array<{ kind: PremiseKind; from: Day; value: DecimalInput }>;
  premises: PremiseInput[];
}

const day = Joi.string()
  .custom((v: string, h) => (isValidDay(v) ? v : h.error('date.format')))
  .messages({ 'date.format': '{{#label}} must be a date YYYY-MM-DD', 'string.base': '{{#label}} must be a date YYYY-MM-DD' });
// A JSON number (finite; it has passed through a binary float already, so its shortest text
// is taken) or a decimal string, kept as text: joi never converts a string to a number here.
const decimal = Joi.alternatives()
  .try(
    Joi.number().strict(),
    Joi.string()
      .trim()
      .pattern(/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/)
      .messages({ 'string.pattern.base': '{{#label}} must be a number' }),
  )
  .messages({ 'alternatives.match': '{{#label}} must be a number', 'alternatives.types': '{{#label}} must be a number' });
const heatUnit = Joi.string().valid('Gcal', 'GJ', 'MWh', 'kWh');
const kind = Joi.string().valid('residential', 'non-residential');
const dated = Joi.object({ date: day.required(), value: decimal.required() }).unknown(true);
const meter = {
  serial: Joi.string().min(1).required(),
  installed: day.allow(null),
  removed: day.allow(null),
  readings: Joi.array().items(dated).required(),
  errors: Joi.array().items(Joi.object({ date: day.required(), code: Joi.alternatives(Joi.string(), Joi.number()).required() }).unknown(true)),
};

/** Shape and types only: every rule of the steps is a calculation error, never a schema failure. */
export const allocationInputSchema = Joi.object<AllocationInput>({
  building: Joi.string().allow('').required(),
  period: Joi.object({ from: day.required(), to: day.required() }).required(),
  options: Joi.object({
    byNorm: Joi.boolean().required(),
    majority: Joi.boolean().required(),
    manualHeatGcal: decimal.allow(null).default(null),
  }).required(),
  buildingMeter: Joi.object({ unit: heatUnit.required(), readings: Joi.array().items(dated).required() }).required(),
  norms: Joi.array()
    .items(Joi.object({ kind: kind.required(), from: day.required(), value: decimal.required() }).unknown(true))
    .required(),
  premises: Joi.array()
    .items(
      Joi.object({
        id: Joi.alternatives(Joi.string(), Joi.number()).required(),
        kind: kind.required(),
        area: decimal.required(),
        allocators: Joi.array()
          .items(Joi.object({ ...meter, coefficient: decimal.required() }).unknown(true))
          .default([]),
        heatMeters: Joi.array().items(Joi.object({ ...meter, unit: heatUnit.required() }).unknown(true)),
      }).unknown(true),
    )
    .required(),
}).unknown(true);

function fieldPath(path: Array<string | number>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Validates the input's shape; throws AllocationInputError naming the field. */
export function validateAllocationInput(input: unknown): AllocationInput {
  const r = allocationInputSchema.validate(input, { abortEarly: true, convert: true });
  if (r.error) {
    const d = r.error.details[0]!;
    const field = fieldPath(d.path) || '(input)';
    throw new AllocationInputError(`${field} ${d.message.replace(/^"[^"]*" /, '')}`, field);
  }
  const value = r.value as AllocationInput;
  for (const p of value.premises) p.id = String(p.id);
  return value;
}
