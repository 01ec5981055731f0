export { allocate, allocateValidated } from './allocate.js';
export {
  validateAllocationInput,
  allocationInputSchema,
  type AllocationInput,
  type PremiseInput,
  type PremiseKind,
  type AllocatorInput,
  type HeatMeterInput,
  type MeterInput,
  type DatedValue,
  type DecimalInput,
} from './input-schema.js';
export { AllocationInputError, ALLOCATION_ERRORS, type AllocationErrorCode } from './errors.js';
export type * from './result.js';
