import { html } from 'lit';
import { ApiError } from './api.js';
import { fmtDate, lang, t } from './i18n.js';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A day as typed — dd.mm.yyyy (or yyyy-mm-dd, e.g. pasted) — as `YYYY-MM-DD`; null when it is no real day. */
export function parseDay(text: string): string | null {
  const s = text.trim();
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!ru && !iso) return null;
  const [y, m, d] = ru ? [Number(ru[3]), Number(ru[2]), Number(ru[1])] : [Number(iso![1]), Number(iso![2]), Number(iso![3])];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The dd.mm.yyyy mask of Russian: digits typed become 15.01.2024 as they come; anything else is left as typed. */
export function maskDay(text: string): string {
  if (lang() !== 'ru' || !/^[\d.]*$/.test(text)) return text;
  const digits = text.replace(/\D/g, '').slice(0, 8);
  return [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4)].filter(Boolean).join('.');
}

function onDayInput(e: InputEvent) {
  const el = e.target as HTMLInputElement;
  // Deleting keeps what is left; typing forward gets the dots put in.
  if (e.inputType?.startsWith('delete')) return;
  const masked = maskDay(el.value);
  if (masked !== el.value) el.value = masked;
}

/**
 * A date field as the user's language writes dates (dd.mm.yyyy in Russian, with a mask),
 * the same in every browser whatever its locale; `formBody` sends it as `YYYY-MM-DD`.
 */
export function dayInput(name: string, value: string | null | undefined = '', required = false) {
  return html`<input name=${name} data-day inputmode="numeric" autocomplete="off" maxlength="10" placeholder=${t('form.dayPlaceholder')} ?required=${required} .value=${fmtDate(value)} @input=${onDayInput} />`;
}

/** A form's filled fields as strings (empty ones left out, so the server applies its defaults); date fields as `YYYY-MM-DD`. */
export function formBody(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries(
    [...new FormData(form)]
      .filter(([, v]) => v !== '')
      .map(([k, v]) => {
        const el = form.elements.namedItem(k);
        return [k, el instanceof HTMLInputElement && el.dataset.day !== undefined ? (parseDay(String(v)) ?? String(v)) : String(v)];
      }),
  );
}

function isField(el: unknown): el is Field {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

/** Why a field's value is refused, in the interface's language ('' when it is fine). */
export function fieldMessage(el: Field): string {
  const v = el.validity;
  if (v.customError) return el.validationMessage;
  if (el instanceof HTMLInputElement && el.dataset.day !== undefined && el.value && !parseDay(el.value)) return t('form.date');
  if (v.valid) return '';
  if (v.valueMissing) return t('form.required');
  if (v.badInput || v.stepMismatch) return el.type === 'number' ? t('form.number') : t('form.invalid');
  if (v.patternMismatch) return el.inputMode === 'decimal' ? t('form.decimal') : t('form.invalid');
  if (v.typeMismatch) return el.type === 'email' ? t('form.email') : t('form.invalid');
  if (v.rangeUnderflow || v.rangeOverflow) return t('form.range');
  return t('form.invalid');
}

let nextId = 0;

/** Writes `message` next to the field (a `.field-error` after it, linked by aria-describedby); '' clears it. */
export function showFieldMessage(el: Field, message: string): void {
  const host = el.parentElement ?? el;
  let out = host.querySelector<HTMLElement>(':scope > .field-error');
  if (!out) {
    out = document.createElement('span');
    out.className = 'field-error';
    out.id = `field-error-${++nextId}`;
    out.setAttribute('aria-live', 'polite');
    el.after(out);
    el.setAttribute('aria-describedby', out.id);
  }
  out.textContent = message;
  el.toggleAttribute('aria-invalid', message !== '');
  if (message) el.setAttribute('aria-invalid', 'true');
}

/**
 * A form's `@input` / `@change` / `@focusout` handler: checks the field the user is in as
 * they type and says what is wrong next to it; a server's refusal of the field is cleared
 * by the next edit.
 */
export function liveValidate(e: Event): void {
  const el = e.target;
  if (!isField(el) || !el.name) return;
  if (e.type === 'input' || e.type === 'change') el.setCustomValidity('');
  // Only once the user has typed something or left the field: an untouched empty form stays calm.
  if (e.type === 'focusout' && el.value === '' && !el.dataset.touched) return;
  el.dataset.touched = '1';
  showFieldMessage(el, fieldMessage(el));
}

/** Before sending: marks every refused field with its message; true when the form may be sent. */
export function checkForm(form: HTMLFormElement): boolean {
  let first: Field | undefined;
  for (const el of form.elements) {
    if (!isField(el) || !el.name) continue;
    const message = fieldMessage(el);
    showFieldMessage(el, message);
    if (message) first ??= el;
  }
  first?.focus();
  return !first;
}

/** A server's refusal naming a field of the form (ApiError.field) is shown on that field; true when it was. */
export function showServerError(form: HTMLFormElement, err: unknown): boolean {
  if (!(err instanceof ApiError) || !err.field) return false;
  const el = form.elements.namedItem(err.field);
  if (!isField(el)) return false;
  el.setCustomValidity(err.message);
  showFieldMessage(el, err.message);
  el.focus();
  return true;
}
