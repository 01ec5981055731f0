import { fmtDate, t, type TextKey } from './i18n.js';

/** The label of a code the server sends (a poll outcome, an audit action…) in the current language; the code itself when there is none. */
export function label(prefix: 'outcome' | 'method' | 'astatus' | 'audit.a' | 'audit.e' | 'medium' | 'mstate' | 'col', code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '';
  return t(`${prefix}.${code}` as TextKey) ?? code;
}

/** An ISO instant as the user's date and time: 01.03.2024 14:05 in Russian. */
export function fmtDateTime(at: string | null | undefined, seconds = false): string {
  if (!at) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${fmtDate(day)} ${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}
