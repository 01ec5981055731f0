import type { DriverContext, KnownMeter } from '../plugin-api/reader-driver.js';
import type { ReportContext, ReportDataSource } from '../plugin-api/report-generator.js';
import { coreServices, type Logger } from '../plugin-api/service-refs.js';
import { createServiceLookup } from '../app.js';

/** A logger that keeps what it is told, for assertions (and never prints). */
export function createMemoryLogger(): Logger & { lines: Array<{ level: string; obj: unknown; msg?: string }> } {
  const lines: Array<{ level: string; obj: unknown; msg?: string }> = [];
  const make = (): Logger & { lines: typeof lines } => ({
    lines,
    debug: (obj, msg) => void lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
    child: () => make(),
  });
  return make();
}

export function createDriverContext(options: { meters?: KnownMeter[]; signal?: AbortSignal; logger?: Logger } = {}): DriverContext {
  const logger = options.logger ?? createMemoryLogger();
  return {
    signal: options.signal ?? new AbortController().signal,
    logger,
    services: createServiceLookup([
      [coreServices.logger, logger],
      [coreServices.clock, { now: () => new Date() }],
    ]),
    knownMeters: async () => options.meters ?? [],
  };
}

export function createReportContext(data: ReportDataSource, options: { signal?: AbortSignal; lang?: 'ru' | 'en' } = {}): ReportContext {
  const logger = createMemoryLogger();
  return {
    data,
    signal: options.signal ?? new AbortController().signal,
    logger,
    lang: options.lang ?? 'ru',
    services: createServiceLookup([
      [coreServices.logger, logger],
      [coreServices.clock, { now: () => new Date() }],
    ]),
  };
}
