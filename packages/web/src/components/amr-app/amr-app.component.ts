import { LitElement, html } from 'lit';
import { state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { lang, setLang, t, type TextKey } from '../../i18n.js';
import '../amr-login/amr-login.js';
import { styles } from './amr-app.styles.js';

const SECTIONS: Array<{ path: string; key: TextKey }> = [
  { path: '/', key: 'nav.overview' },
  { path: '/reference', key: 'nav.reference' },
  { path: '/settings', key: 'nav.settings' },
  { path: '/guide', key: 'nav.guide' },
];

/** The shell: login, navigation, user menu, language switch and URL routing with deep links. */
export class AmrApp extends LitElement {
  static override styles = styles;

  @state() private me: Me | null = null;
  @state() private checked = false;
  @state() private notice = '';
  @state() private path = location.pathname;

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('amr-lang-change', this.rerender);
    window.addEventListener('amr-session-expired', this.onExpired);
    api<Me>('GET', '/api/auth/me')
      .then((me) => (this.me = me))
      .catch(() => (this.me = null))
      .finally(() => (this.checked = true));
  }

  override disconnectedCallback() {
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('amr-lang-change', this.rerender);
    window.removeEventListener('amr-session-expired', this.onExpired);
    super.disconnectedCallback();
  }

  private onPopState = () => (this.path = location.pathname);
  private rerender = () => this.requestUpdate();
  private onExpired = () => {
    this.me = null;
    this.notice = t('login.expired');
  };

  private navigate(e: MouseEvent, path: string) {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    history.pushState(null, '', path);
    this.path = path;
  }

  private async logout() {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    this.me = null;
    this.notice = '';
  }

  private section() {
    return SECTIONS.find((s) => s.path === this.path) ?? SECTIONS.find((s) => s.path !== '/' && this.path.startsWith(s.path)) ?? SECTIONS[0]!;
  }

  override render() {
    if (!this.checked) return html``;
    if (!this.me) {
      return html`<amr-login
        .notice=${this.notice}
        @amr-login=${(e: CustomEvent<Me>) => {
          this.me = e.detail;
          this.notice = '';
        }}
      ></amr-login>`;
    }
    const current = this.section();
    return html`<div class="layout">
      <nav>
        <div class="brand">Open<span>AMR</span></div>
        ${SECTIONS.map(
          (s) => html`<a href=${s.path} aria-current=${s === current ? 'page' : 'false'} @click=${(e: MouseEvent) => this.navigate(e, s.path)}>${t(s.key)}</a>`,
        )}
      </nav>
      <div>
        <header>
          <span class="langs">
            ${(['ru', 'en'] as const).map((l) => html`<button aria-pressed=${lang() === l} @click=${() => setLang(l)}>${l.toUpperCase()}</button>`)}
          </span>
          <span>${this.me.email} · <span class="role">${t(`role.${this.me.role}` as TextKey)}</span></span>
          <button class="logout" @click=${this.logout}>${t('user.logout')}</button>
        </header>
        <main>
          <h1>${t(current.key)}</h1>
          <p>${current.path === '/' ? t('overview.intro') : t('page.wip')}</p>
        </main>
      </div>
    </div>`;
  }
}
