import { LitElement, html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, ApiError, type Me } from '../../api.js';
import { t } from '../../i18n.js';
import { styles } from './amr-login.styles.js';

/** The login form; fires `amr-login` with the user when the server accepts. */
export class AmrLogin extends LitElement {
  static override styles = styles;

  /** A notice shown above the form (e.g. the session expired). */
  @property() notice = '';
  @state() private error = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const me = await api<Me>('POST', '/api/auth/login', { email: form.get('email'), password: form.get('password') });
      this.dispatchEvent(new CustomEvent<Me>('amr-login', { detail: me, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.submit}>
      <h1>${t('login.title')}</h1>
      ${this.notice ? html`<div class="notice">${this.notice}</div>` : ''}
      <label for="email">${t('login.email')}</label>
      <input id="email" type="email" name="email" autocomplete="username" required />
      <label for="password">${t('login.password')}</label>
      <input id="password" type="password" name="password" autocomplete="current-password" required />
      <button type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : ''}
    </form>`;
  }
}
