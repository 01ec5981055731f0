import type { ObjectSchema } from 'joi';
import type { Logger, ServiceLookup } from './service-refs.js';

/** A value of one quantity: a number, or a decimal string when exactness matters. */
export type QuantityValue = number | string;

/**
 * One meter's record as a driver read it. `sourceKey` identifies the record at its source
 * (e.g. `ftp:<concentrator>:<file>:<line>` or `mbus:<serial>:<meter time>`): storing the same
 * `sourceKey` twice is a no-op, so a driver may re-deliver freely.
 */
export interface RawReading {
  meterSerial: string;
  deviceTypeId?: string;
  /** When the meter took the value (ISO string or Date). */
  takenAt: Date | string;
  /** Values by quantity key of the device type, e.g. `{ energy: '12.345', volume: 3.2 }`. */
  values: Record<string, QuantityValue>;
  /** Unit of the primary value when it differs from the device type's (e.g. `MWh`). */
  unit?: string;
  errorCode?: string;
  sourceKey: string;
  /**
   * The bytes or text the reading was decoded from, as received (hex for binary telegrams),
   * so it can be decoded again: stored with the reading (`readings.raw`) by polls, pushes and
   * uploads of a driver's file, returned by `GET /api/meters/{id}/readings` and readable by
   * commands (`ctx.readings`); readings from a CSV or xlsx file have none.
   */
  raw?: string;
  /** Where in a file the reading came from, so a problem with it names the line. */
  file?: string;
  line?: number;
}

/** A silent, garbled or unknown meter: data about the poll, never an exception. */
export interface ReadProblem {
  code: string;
  message: string;
  meterSerial?: string;
  file?: string;
  line?: number;
  column?: number;
  /** The field the problem is about (`serial`, `date`, `value`…) when the column is not known, e.g. a problem found by the store. */
  field?: string;
}

/**
 * What a session yields. The core stores each batch in one transaction and only then
 * advances the concentrator's cursor to `cursor`, so a crash never loses or doubles data.
 */
export interface ReadBatch {
  /** A short description of where the batch came from (a file name, a bus address range). */
  source: string;
  cursor?: string;
  readings: RawReading[];
  problems: ReadProblem[];
}

/** The concentrator a driver talks to, with settings already validated against `settingsSchema`. */
export interface ConcentratorTarget<S = Record<string, unknown>> {
  id: string;
  buildingId: string;
  type: string;
  host?: string;
  port?: number;
  /** Settings with defaults applied and secrets decrypted. Never log them. */
  settings: S;
  /** The cursor the last stored batch left, if any. */
  cursor?: string;
  timeZone: string;
}

/** A meter the registry expects behind a concentrator. */
export interface KnownMeter {
  serial: string;
  deviceTypeId: string;
  premiseNumber?: string;
}

export interface DriverContext {
  /** Aborted on timeout or shutdown; every I/O call must honour it. */
  signal: AbortSignal;
  logger: Logger;
  services: ServiceLookup;
  /** The active meters of the concentrator's building. */
  knownMeters(): Promise<KnownMeter[]>;
}

export interface ReaderSession {
  /** Yields batches until the source has nothing new. */
  read(): AsyncIterable<ReadBatch>;
  /** Called exactly once by the core, whatever happened before. */
  close(): Promise<void>;
}

export interface PushSink {
  /** Stores a batch (one transaction, idempotent by sourceKey) and resolves when it is durable. */
  store(batch: ReadBatch): Promise<{ stored: number; duplicates: number }>;
}

export interface PushListener {
  close(): Promise<void>;
}

export interface CheckResult {
  ok: boolean;
  message: string;
}

/** A meter a bus scan found (F15 «Поиск приборов»). */
export interface FoundDevice {
  /** The meter's serial as it identifies itself. */
  serial: string;
  /** The device type the driver recognised, if any. */
  deviceTypeId?: string;
  /** What the driver knows of it, for the operator (manufacturer, medium, address). */
  description: string;
  /** The entry to add to the driver's settings to read this meter (e.g. `{ address: 5 }`). */
  meterSetting: Record<string, unknown>;
}

export interface UploadedFile {
  name: string;
  content: Buffer;
}

interface ReaderDriverBase<S> {
  /** `'<pluginId>.<name>'`, stable. */
  readonly id: string;
  readonly label: { ru: string; en: string };
  /** Validated (with defaults) before any call; a failure is a `config-error` of the concentrator. */
  readonly settingsSchema: ObjectSchema<S>;
  /** Settings keys holding secrets: encrypted at rest, never returned by the API or logged. */
  readonly secretSettings?: readonly string[];
  /** Ids of the device types this driver produces readings for. */
  readonly deviceTypes: readonly string[];
  /** Optional "test connection": must not store anything. */
  check?(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<CheckResult>;
  /**
   * Optional bus scan: the meters that answer, so the operator can add them to the settings
   * and create the ones the registry lacks. The core holds the concentrator's lease while it
   * runs (no poll at the same time). `mode` is a driver's own choice (e.g. `primary`, `secondary`).
   */
  scan?(target: ConcentratorTarget<S>, ctx: DriverContext, options: { mode?: string }): Promise<FoundDevice[]>;
  /** Optional parser of the concentrator's own export file (an uploaded counters file). */
  importFile?(file: UploadedFile, ctx: DriverContext): Promise<ReadBatch[]>;
}

/**
 * A driver the core polls on the concentrator's schedule.
 *
 * Guarantees the core gives: at most one open session per concentrator across all nodes;
 * `close()` exactly once; settings validated with defaults applied; every call gets an
 * AbortSignal; a batch is stored in one transaction before its cursor advances.
 * A driver throws only for a dead concentrator (`ConnectionError`, `ProtocolError`,
 * `ConfigError`); a bad meter is a `ReadProblem` in the batch.
 */
export interface PollReaderDriver<S = Record<string, unknown>> extends ReaderDriverBase<S> {
  readonly mode: 'poll';
  open(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<ReaderSession>;
}

/**
 * A driver that receives readings pushed by a gateway (e.g. over MQTT). The core calls
 * `listen` once per concentrator on one node and `close()` on shutdown or reconfiguration.
 */
export interface PushReaderDriver<S = Record<string, unknown>> extends ReaderDriverBase<S> {
  readonly mode: 'push';
  listen(target: ConcentratorTarget<S>, sink: PushSink, ctx: DriverContext): Promise<PushListener>;
}

export type ReaderDriver<S = any> = PollReaderDriver<S> | PushReaderDriver<S>;
