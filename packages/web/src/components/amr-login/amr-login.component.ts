import { html } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import '../amr-lang-switch/amr-lang-switch.js';
import { styles } from './amr-login.styles.js';

/** The login page; fires `amr-login` with the user once the server accepts the password. */
export class AmrLogin extends AmrElement {
  static override styles = styles;

  /** Shown above the form, e.g. that the session expired. */
  @property() notice = '';
  @state() private busy = false;
  @query('input[name=password]') private password!: HTMLInputElement;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      this.emit('amr-login', await api<Me>('POST', '/api/auth/login', { email: form.get('email'), password: form.get('password') }));
    } catch (err) {
      this.error = (err as Error).message;
      this.password.select();
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<amr-lang-switch class="langs"></amr-lang-switch>
      <div class="column">
        <div class="brand">
          <span class="mark" aria-hidden="true"></span>
          <span class="name">OpenAMR</span>
        </div>
        <p class="tagline">${t('app.tagline')}</p>
        <form class="card" @submit=${this.submit}>
          <h1>${t('login.title')}</h1>
          ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : ''}
          <label for="email">${t('login.email')}</label>
          <input id="email" type="email" name="email" autocomplete="username" required autofocus />
          <label for="password">${t('login.password')}</label>
          <input id="password" type="password" name="password" autocomplete="current-password" required />
          <button type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
        </form>
        <div class="error" role="alert">${this.error}</div>
      </div>`;
  }
}
