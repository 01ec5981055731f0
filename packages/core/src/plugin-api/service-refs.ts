/**
 * Services the core lends to plugin code at run time. A plugin never gets the raw hapi
 * server or a knex handle; it asks its context for one of these refs.
 */
export interface ServiceRef<T> {
  readonly id: string;
  /** Phantom field carrying the service type. */
  readonly __type?: T;
}

export function createServiceRef<T>(id: string): ServiceRef<T> {
  return Object.freeze({ id }) as ServiceRef<T>;
}

/** A pino-compatible logger. Secrets must never be passed to it. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Clock {
  now(): Date;
}

export interface ServiceLookup {
  get<T>(ref: ServiceRef<T>): T;
}

export const coreServices = {
  logger: createServiceRef<Logger>('core.logger'),
  clock: createServiceRef<Clock>('core.clock'),
} as const;
