import { html } from 'lit';
import { state } from 'lit/decorators.js';
import { api, SESSION_EXPIRED, type Me } from '../../api.js';
import { t, type TextKey } from '../../i18n.js';
import { interceptLinks, navigate, ROUTE_CHANGE, routeOf } from '../../router.js';
import { AmrElement } from '../amr-element.js';
import '../amr-attention/amr-attention.js';
import '../amr-building-card/amr-building-card.js';
import '../amr-reports/amr-reports.js';
import '../amr-guide/amr-guide.js';
import '../amr-lang-switch/amr-lang-switch.js';
import '../amr-login/amr-login.js';
import '../amr-meter-card/amr-meter-card.js';
import '../amr-overview/amr-overview.js';
import '../amr-premise-card/amr-premise-card.js';
import '../amr-reference/amr-reference.js';
import '../amr-settings/amr-settings.js';
import { styles } from './amr-app.styles.js';

interface Section {
  path: string;
  title: TextKey;
  /** Only this role sees the section (the server refuses the others anyway). */
  role?: Me['role'];
}

const SECTIONS: readonly Section[] = [
  { path: '/', title: 'nav.overview' },
  { path: '/reports', title: 'nav.reports' },
  { path: '/reference', title: 'nav.reference' },
  { path: '/settings', title: 'nav.settings', role: 'administrator' },
  { path: '/guide', title: 'nav.guide' },
];

function sectionAt(path: string): Section {
  return SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(`${s.path}/`))) ?? SECTIONS[0]!;
}

/** The shell: asks who is logged in, then shows the login page or the navigation and the current section. */
export class AmrApp extends AmrElement {
  static override styles = styles;

  /** `undefined` until `/api/auth/me` has answered, `null` when nobody is logged in. */
  @state() private me: Me | null | undefined = undefined;
  @state() private notice = '';
  @state() private path = location.pathname;
  /** The open card's own heading, announced with `amr-title`. */
  @state() private cardTitle = '';

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener(ROUTE_CHANGE, this.onPopState);
    interceptLinks(this);
    window.addEventListener(SESSION_EXPIRED, this.onSessionExpired);
    api<Me>('GET', '/api/auth/me').then(
      (me) => (this.me = me),
      () => (this.me = null),
    );
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener(ROUTE_CHANGE, this.onPopState);
    window.removeEventListener(SESSION_EXPIRED, this.onSessionExpired);
    super.disconnectedCallback();
  }

  private onPopState = () => {
    if (location.pathname !== this.path) this.cardTitle = '';
    this.path = location.pathname;
  };

  private onSessionExpired = () => {
    if (!this.me) return;
    this.me = null;
    this.notice = t('login.expired');
  };

  private onLogin(e: CustomEvent<Me>) {
    this.me = e.detail;
    this.notice = '';
  }

  private navigate(e: MouseEvent, path: string) {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(path);
  }

  /** The page of the current URL: a section, or a card with a deep link. */
  private page() {
    const route = routeOf(this.path);
    const me = this.me!;
    switch (route.name) {
      case 'overview':
        return html`<amr-attention></amr-attention><amr-overview .me=${me}></amr-overview>`;
      case 'reports':
        return html`<amr-reports></amr-reports>`;
      case 'building':
        return html`<amr-building-card .me=${me} buildingId=${route.id!}></amr-building-card>`;
      case 'premise':
        return html`<amr-premise-card .me=${me} premiseId=${route.id!}></amr-premise-card>`;
      case 'meter':
        return html`<amr-meter-card .me=${me} meterId=${route.id!}></amr-meter-card>`;
      case 'guide':
        return html`<amr-guide></amr-guide>`;
      case 'reference':
        return html`<amr-reference .me=${me}></amr-reference>`;
      case 'settings':
        return me.role === 'administrator' ? html`<amr-settings .me=${me}></amr-settings>` : html`<div class="panel">${t('page.forbidden')}</div>`;
      default:
        return html`<div class="panel">${t('page.wip')}</div>`;
    }
  }

  private async logout() {
    try {
      await api('POST', '/api/auth/logout');
      this.notice = '';
    } catch {
      // A 401 has already said the session expired; anything else still leaves the user out.
    }
    this.me = null;
  }

  override render() {
    if (this.me === undefined) return html``;
    if (this.me === null) {
      document.title = `${t('login.title')} · OpenAMR`;
      return html`<amr-login .notice=${this.notice} @amr-login=${this.onLogin}></amr-login>`;
    }
    const current = sectionAt(this.path);
    // A card (building, premise, meter) shows its own heading; a section, the section's name.
    const card = ['building', 'premise', 'meter'].includes(routeOf(this.path).name);
    document.title = `${card && this.cardTitle ? this.cardTitle : t(current.title)} · OpenAMR`;
    return html`<div class="layout">
      <aside>
        <div class="brand"><span class="mark" aria-hidden="true"></span>OpenAMR</div>
        <nav aria-label=${t('nav.label')}>
          ${SECTIONS.filter((s) => !s.role || s.role === this.me!.role).map(
            (s) =>
              html`<a href=${s.path} aria-current=${s === current ? 'page' : 'false'} @click=${(e: MouseEvent) => this.navigate(e, s.path)}
                >${t(s.title)}</a
              >`,
          )}
        </nav>
      </aside>
      <div class="body">
        <header>
          <amr-lang-switch></amr-lang-switch>
          <div class="user">
            <span class="avatar" aria-hidden="true">${this.me.email.charAt(0).toUpperCase()}</span>
            <span class="who">
              <span class="email">${this.me.email}</span>
              <span class="role">${t(`role.${this.me.role}`)}</span>
            </span>
            <button type="button" class="logout" @click=${this.logout}>${t('user.logout')}</button>
          </div>
        </header>
        <main @amr-title=${(e: CustomEvent<string>) => (this.cardTitle = e.detail)}>
          ${card ? '' : html`<h1>${t(current.title)}</h1>`}
          ${this.page()}
        </main>
      </div>
    </div>`;
  }
}
