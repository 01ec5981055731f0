import type { ObjectSchema } from 'joi';
import type { Logger, ServiceLookup } from './service-refs.js';
import type { DeviceKind } from './device-type.js';

export type ReportFormat = 'xlsx' | 'csv' | 'json';

/** Parameters every report takes (F24); a generator's schema extends these. */
export interface BaseReportParams {
  buildingId: string;
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  to: string;
  premiseIds?: string[];
  format: ReportFormat;
}

export interface BuildingRow {
  id: string;
  name: string;
  address: string;
  totalArea: string | null;
  timeZone: string;
}

export interface PremiseRow {
  id: string;
  buildingId: string | null;
  number: string;
  floor: number | null;
  entrance: number | null;
  area: string;
  accountNumber: string | null;
  acceptanceDate: string | null;
  kind: 'residential' | 'non-residential';
}

export interface MeterRow {
  id: string;
  serial: string;
  deviceTypeId: string;
  /** The device type's kind (from the registry mirror), e.g. `heat-cost-allocator`. */
  kind: DeviceKind | null;
  /** The unit of the device type's primary quantity, e.g. `units`, `Gcal`, `m3`. */
  unit: string | null;
  premiseId: string | null;
  installedOn: string | null;
  decommissionedOn: string | null;
  waterMedium: 'hot' | 'cold' | null;
}

export interface ReadingRow {
  meterId: string;
  day: string;
  takenAt: Date;
  /** Primary value as a decimal string. */
  value: string;
  unit: string | null;
  values: Record<string, string | number> | null;
  errorCode: string | null;
  source: string;
}

export interface HeatReadingRow {
  day: string;
  value: string;
  unit: string;
}

export interface NormRow {
  kind: 'residential' | 'non-residential';
  effectiveFrom: string;
  value: string;
}

export interface RadiatorPeriodRow {
  meterId: string;
  radiatorId: string;
  model: string;
  coefficient: string;
  from: string;
  to: string | null;
}

/** What a meter did in a period, and where its data comes from (the technical report). */
export interface MeterActivityRow {
  meterId: string;
  /** Days in [fromDay, toDay] with at least one reading, counting only the meter's installation (installed_on … decommissioned_on). */
  daysWithReadings: number;
  /** The latest reading's day on or before toDay (and, for a decommissioned meter, its decommission day), and its error code. */
  lastDay: string | null;
  lastErrorCode: string | null;
  /** The meter's state today (F06). */
  state: 'ok' | 'stale' | 'error' | 'decommissioned';
  /** The concentrator whose poll delivered the meter's latest polled reading. */
  concentratorId: string | null;
}

export interface ConcentratorRow {
  id: string;
  name: string | null;
  type: string;
  host: string | null;
  driverId: string;
  lastRun: { outcome: string; startedAt: Date; finishedAt: Date | null; error: string | null } | null;
}

/** A device type as the registry knows it (labels, quantities, error-code texts). */
export interface DeviceTypeInfo {
  id: string;
  label: { ru: string; en: string };
  kind: DeviceKind;
  quantities: Array<{ key: string; quantity: string; unit: string; cumulative: boolean; label?: { ru: string; en: string } }>;
  primaryQuantity: string;
  errorCodes: Record<string, { ru: string; en: string }>;
}

/**
 * Read-only access to the registry and readings. Reports read only through it, so a
 * report can never change data, and the core can optimise the queries behind it.
 */
export interface ReportDataSource {
  building(id: string): Promise<BuildingRow>;
  premises(buildingId: string): Promise<PremiseRow[]>;
  /** Meters that were attached to the building's premises at any time in [from, to]. */
  meters(buildingId: string): Promise<MeterRow[]>;
  /** Readings of the meters with day in [fromDay, toDay] (inclusive), ordered by meter, day, takenAt. */
  readings(meterIds: string[], fromDay: string, toDay: string): Promise<ReadingRow[]>;
  /** Readings of the meters on exactly these days (the boundary readings of a period), in no particular order. */
  readingsOnDays(meterIds: string[], days: string[]): Promise<ReadingRow[]>;
  /** Readings with an error code, day in [fromDay, toDay], in no particular order. */
  errorReadings(meterIds: string[], fromDay: string, toDay: string): Promise<ReadingRow[]>;
  /** The latest reading of each meter on or before `day`. */
  lastReadings(meterIds: string[], day: string): Promise<ReadingRow[]>;
  heatReadings(buildingId: string, fromDay: string, toDay: string): Promise<HeatReadingRow[]>;
  norms(buildingId: string): Promise<NormRow[]>;
  radiatorHistory(meterIds: string[]): Promise<RadiatorPeriodRow[]>;
  /** Per meter: days with readings in [fromDay, toDay], the latest reading, state and concentrator. */
  meterActivity(meterIds: string[], fromDay: string, toDay: string): Promise<MeterActivityRow[]>;
  /** The building's concentrators with their latest poll run. */
  concentrators(buildingId: string): Promise<ConcentratorRow[]>;
  /** The installed device type, or undefined. */
  deviceType(id: string): DeviceTypeInfo | undefined;
}

export interface ReportContext {
  data: ReportDataSource;
  signal: AbortSignal;
  logger: Logger;
  services: ServiceLookup;
  /** Language of the requesting user. */
  lang: 'ru' | 'en';
}

export interface ReportOutput {
  fileName: string;
  mediaType: string;
  content: Buffer | string;
  /** A structured explanation (B1) shown on screen before download. */
  explanation?: unknown;
  warnings: string[];
}

/**
 * A report. `generate` gets params already validated by `paramsSchema`, reads through
 * `ctx.data` only, and throws `InputError` for what the operator must fix.
 */
export interface ReportGenerator<P extends BaseReportParams = any> {
  /** `'<pluginId>.<name>'`, stable. */
  readonly id: string;
  readonly label: { ru: string; en: string };
  readonly paramsSchema: ObjectSchema<P>;
  readonly formats: readonly ReportFormat[];
  generate(params: P, ctx: ReportContext): Promise<ReportOutput>;
}
