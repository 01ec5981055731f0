import { lang, t } from './i18n.js';

export const SESSION_EXPIRED = 'amr-session-expired';

/** A non-2xx answer of the server; `message` is the server's, already in the user's language. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
  /** Joi's refusals name the field here, typed errors in `details`. */
  field?: string;
  details?: { field?: string };
}

/**
 * JSON over fetch with the session cookie. Any 401 except the login's own announces
 * `amr-session-expired` on window; the shell decides whether that means anything.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Network Error', t('error.network'));
  }
  if (res.status === 401 && path !== '/api/auth/login') window.dispatchEvent(new CustomEvent(SESSION_EXPIRED));
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(err.statusCode ?? res.status, err.error ?? res.statusText, err.message ?? res.statusText, err.field ?? err.details?.field);
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

/** A file sent as multipart `file` (imports); answers like `api`. */
export async function upload<T>(path: string, file: File, fields: Record<string, string> = {}): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', file, file.name);
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'accept-language': lang() }, body: form }).catch(() => {
    throw new ApiError(0, 'Network Error', t('error.network'));
  });
  if (res.status === 401) window.dispatchEvent(new CustomEvent(SESSION_EXPIRED));
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(err.statusCode ?? res.status, err.error ?? res.statusText, err.message ?? res.statusText, err.field ?? err.details?.field);
  }
  return (await res.json()) as T;
}

export type Role = 'operator' | 'manager' | 'administrator';

/** `GET /api/auth/me` and the answer of a login. */
export interface Me {
  id: string;
  email: string;
  role: Role;
  name?: string | null;
}
