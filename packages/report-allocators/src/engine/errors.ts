/** The calculation errors of spec/ALLOCATION.md, with the operator's words in Russian and English. */
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

/** An input that fails the schema (shape and types); `field` is the path, e.g. `premises[2].area`. */
export class AllocationInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'AllocationInputError';
  }
}
