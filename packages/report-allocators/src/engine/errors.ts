import type { PremiseKind } from './input-schema.js';

/**
 * The calculation errors of spec/ALLOCATION.md, in the operator's words: Russian first
 * (`NO_BUILDING_METER_READINGS` and `COVERAGE_BELOW_HALF` verbatim from the spec), English too.
 */
export const ALLOCATION_ERRORS = {
  INVALID_PERIOD: {
    ru: 'Дата окончания расчета раньше даты начала',
    en: 'The period ends before it starts',
  },
  NO_BUILDING_METER_READINGS: {
    ru: 'Нет показаний ОДПУ на даты начала и конца расчета, и не введен фактический расход ТЭ',
    en: 'There are no building heat meter readings on the start and end dates, and no actual heat consumption was entered',
  },
  NON_POSITIVE_HEAT: {
    ru: 'Расход тепловой энергии по дому за период не больше нуля',
    en: "The building's heat consumption for the period is not positive",
  },
  COVERAGE_BELOW_HALF: {
    ru: 'В период расчета собраны показания с менее 50% площади дома',
    en: "Readings were collected from less than 50% of the building's area in the period",
  },
  NO_NORM: {
    ru: 'Нет норматива на период расчета для помещений вида «{kind}»',
    en: 'There is no norm for {kind} premises in the period',
  },
  NEGATIVE_REMAINDER: {
    ru: 'Расход помещений без распределителей больше расхода по дому: на помещения с распределителями остается отрицательное количество тепла',
    en: 'The premises without allocators use more than the building: a negative amount of heat remains for the premises with allocators',
  },
  ZERO_UNITS: {
    ru: 'Распределители не насчитали ни одной единицы, а тепло для распределения осталось',
    en: 'The allocators counted no units, yet heat remains to be allocated',
  },
} as const;

export type AllocationErrorCode = keyof typeof ALLOCATION_ERRORS;

/** A calculation error: a valid answer (`ok: false`), not an exception. */
export interface AllocationFailure {
  ok: false;
  error: {
    code: AllocationErrorCode;
    /** For the operator, in Russian. */
    message: string;
    /** The same in English. */
    messageEn: string;
  };
}

const KIND_WORDS: Record<PremiseKind, { ru: string; en: string }> = {
  residential: { ru: 'жилые', en: 'residential' },
  'non-residential': { ru: 'нежилые', en: 'non-residential' },
};

/** The failure result of a code (`NO_NORM` names the premise kind). */
export function failure(code: AllocationErrorCode, kind?: PremiseKind): AllocationFailure {
  const text = ALLOCATION_ERRORS[code];
  const fill = (s: string, lang: 'ru' | 'en') => (kind ? s.replace('{kind}', KIND_WORDS[kind][lang]) : s);
  return { ok: false, error: { code, message: fill(text.ru, 'ru'), messageEn: fill(text.en, 'en') } };
}

/**
 * An input that fails the schema (shape and types): `field` is the path, e.g.
 * `premises[2].allocators[0].coefficient`, and the message names it
 * (`premises[2].allocators[0].coefficient must be a number`).
 */
export class AllocationInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'AllocationInputError';
  }
}
