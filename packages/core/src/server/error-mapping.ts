import Boom from '@hapi/boom';
import type { Request, ResponseToolkit, Server } from '@hapi/hapi';
import objection from 'objection';
import { OpenAmrError } from '../plugin-api/errors.js';
import type { Logger } from '../plugin-api/service-refs.js';
import { languageOf } from './route.js';

const STATUS: Record<string, number> = {
  input: 400,
  config: 400,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  connection: 502,
  protocol: 502,
  aborted: 503,
  'too-many-attempts': 429,
};

const TEXTS = {
  400: { ru: 'Неверный запрос', en: 'Bad request' },
  401: { ru: 'Требуется вход в систему', en: 'Please log in' },
  403: { ru: 'Недостаточно прав для этого действия', en: 'You are not allowed to do this' },
  404: { ru: 'Не найдено', en: 'Not found' },
  409: { ru: 'Конфликт с текущими данными', en: 'Conflicts with the current data' },
  413: { ru: 'Слишком большой запрос', en: 'Request too large' },
  415: { ru: 'Неподдерживаемый тип данных', en: 'Unsupported media type' },
  500: { ru: 'Внутренняя ошибка сервера', en: 'Internal server error' },
} as Record<number, { ru: string; en: string }>;

function body(statusCode: number, message: string, extra: Record<string, unknown> = {}) {
  return { statusCode, error: (Boom.boomify(new Error(), { statusCode }).output.payload.error as string) ?? 'Error', message, ...extra };
}

/** Joi's message for a request field, e.g. `"email" must be a valid email` → with its path. */
function validationMessage(err: Boom.Boom, lang: 'ru' | 'en'): { message: string; field?: string } {
  const details = (err as unknown as { details?: Array<{ message: string; path: (string | number)[] }> }).details;
  const first = details?.[0];
  const field = first ? first.path.join('.') : undefined;
  const source = (err.output.payload as { validation?: { source?: string } }).validation?.source;
  const where = source ? ({ payload: 'тело запроса', query: 'параметры запроса', params: 'путь' } as Record<string, string>)[source] : undefined;
  const text = first?.message ?? err.message;
  if (lang === 'en') return { message: `Invalid ${source ?? 'request'}: ${text}`, field };
  return { message: `Неверные данные (${where ?? 'запрос'}): ${text}`, field };
}

/**
 * The one translator from errors to HTTP answers `{statusCode, error, message}` in the
 * user's language. A typed error maps to its status; anything unknown is a bug: 500,
 * with the stack in the log and never in the answer.
 */
export function installErrorMapping(server: Server, logger: Logger): void {
  server.ext('onPreResponse', (request: Request, h: ResponseToolkit) => {
    const response = request.response;
    if (!(response instanceof Error)) return h.continue;
    const lang = languageOf(request);
    const err = response as Error & { isBoom?: boolean };

    if (err instanceof OpenAmrError) {
      const status = (typeof err.details.status === 'number' ? err.details.status : STATUS[err.kind]) ?? 500;
      const { status: _s, ...details } = err.details;
      return h.response(body(status, err.messageIn(lang), Object.keys(details).length ? { details } : {})).code(status);
    }

    if (err instanceof objection.UniqueViolationError || err instanceof objection.ForeignKeyViolationError) {
      logger.debug({ err }, 'constraint violation');
      const message =
        err instanceof objection.UniqueViolationError
          ? { ru: 'Такая запись уже существует', en: 'Such a record already exists' }
          : { ru: 'Запись связана с другими данными', en: 'The record is linked to other data' };
      return h.response(body(409, message[lang])).code(409);
    }
    if (err instanceof objection.CheckViolationError || err instanceof objection.DataError || err instanceof objection.NotNullViolationError) {
      return h.response(body(400, TEXTS[400]![lang])).code(400);
    }

    if (err.isBoom) {
      const boom = err as Boom.Boom;
      const status = boom.output.statusCode;
      if (status >= 500) logger.error({ err: boom, url: request.path }, 'request failed');
      if (status === 400 && (boom as unknown as { details?: unknown }).details) {
        const v = validationMessage(boom, lang);
        return h.response(body(400, v.message, v.field ? { field: v.field } : {})).code(400);
      }
      if (status === 413) {
        const limit = Number(/(\d+)\s*$/.exec(boom.message)?.[1] ?? 0);
        const mb = limit ? Math.round(limit / 1024 / 1024) : 0;
        const message = lang === 'en' ? `The file is larger than the allowed ${mb} MB (setting uploadLimitMb)` : `Файл больше допустимых ${mb} МБ (настройка uploadLimitMb)`;
        return h.response(body(413, message)).code(413);
      }
      const text = TEXTS[status]?.[lang] ?? boom.output.payload.message;
      const message = status === 404 || status >= 500 ? text : boom.message && status !== 401 && status !== 403 ? `${text}: ${boom.message}` : text;
      const answer = h.response(body(status, message)).code(status);
      for (const [k, v] of Object.entries(boom.output.headers)) answer.header(k, String(v));
      return answer;
    }

    logger.error({ err, url: request.path, method: request.method }, 'unexpected error');
    return h.response(body(500, TEXTS[500]![lang])).code(500);
  });
}
