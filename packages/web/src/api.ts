import { lang } from './i18n.js';

/** An answer of the server that is not 2xx, with its `{statusCode, error, message}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** JSON over fetch with the session cookie; a 401 tells the shell the session is gone. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { 'accept-language': lang(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, lang() === 'ru' ? 'Сервер недоступен' : 'The server cannot be reached');
  }
  if (res.status === 401 && path !== '/api/auth/login' && path !== '/api/auth/me') {
    window.dispatchEvent(new CustomEvent('amr-session-expired'));
  }
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as { message?: string; field?: string };
    throw new ApiError(res.status, err.message ?? res.statusText, err.field);
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

export interface Me {
  id: string;
  email: string;
  role: 'operator' | 'manager' | 'administrator';
  name: string | null;
}
