import { ApiError } from './api.js';
import { t } from './i18n.js';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A form's filled fields as strings (empty ones left out, so the server applies its defaults). */
export function formBody(form: HTMLFormElement): Record<string, string> {
  return Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]));
}

function isField(el: unknown): el is Field {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

/** Why a field's value is refused, in the interface's language ('' when it is fine). */
export function fieldMessage(el: Field): string {
  const v = el.validity;
  if (v.valid) return '';
  if (v.customError) return el.validationMessage;
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
