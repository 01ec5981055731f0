import { pino } from 'pino';
import type { Logger } from './plugin-api/service-refs.js';

/** Logs go to stderr as JSON lines; stdout is kept for command results. */
export function createLogger(level = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'settings.password', '*.settings.password', 'req.headers.cookie'], censor: '***' },
    },
    pino.destination(2),
  ) as unknown as Logger;
}
