import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me, type Role } from '../../api.js';
import { t } from '../../i18n.js';
import { fmtDateTime, label } from '../../labels.js';
import { dayInput, formBody } from '../../forms.js';
import '../amr-concentrators/amr-concentrators.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  active: boolean;
  lastLoginAt: string | null;
}
interface AuditEntry {
  id: string;
  at: string;
  userEmail: string | null;
  ip: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}
const ROLES: Role[] = ['operator', 'manager', 'administrator'];
/** The entities the audit log names (the server's `entity` codes). */
const ENTITIES = ['building', 'premise', 'meter', 'radiator', 'reading', 'heat-reading', 'norm', 'concentrator', 'schedule', 'user', 'settings', 'import', 'legacy', 'report-run'];
type Tab = 'users' | 'concentrators' | 'audit';
const TABS: Array<[Tab, 'set.users' | 'set.concentrators' | 'set.audit']> = [
  ['users', 'set.users'],
  ['concentrators', 'set.concentrators'],
  ['audit', 'set.audit'],
];

const short = (v: unknown): string => {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};
const NOISE = new Set(['updatedAt', 'createdAt', 'updated_at', 'created_at']);
/** What an audit entry changed, field by field: [field, before (undefined when created), after]; an update lists only the fields that differ. */
function changesOf(before: unknown, after: unknown): Array<[string, string | undefined, string | undefined]> {
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  const b = obj(before);
  const a = obj(after);
  if (b && a) {
    return [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => !NOISE.has(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => [k, short(b[k] ?? null), short(a[k] ?? null)]);
  }
  const one = a ?? b;
  if (!one) return after === null || after === undefined ? [] : [['', undefined, short(after)]];
  const rows = Object.entries(one).filter(([k, v]) => !NOISE.has(k) && v !== null && v !== '');
  return rows.slice(0, 6).map(([k, v]) => [k, undefined, short(v)] as [string, undefined, string]).concat(rows.length > 6 ? [['…', undefined, `+${rows.length - 6}`]] : []);
}

/** «Настройки» (F14, F16, F17), administrators only: users (create, role, deactivate, a new password in a dialog), «Домовые концентраторы» of all buildings, the audit log. */
export class AmrSettings extends AmrElement {
  static override styles = [
    shared,
    css`
      dialog { border: 1px solid #e5e7eb; border-radius: 12px; padding: 20px 24px; width: min(520px, 90vw); box-shadow: 0 20px 50px rgba(0, 0, 0, 0.2); }
      td code { font-size: 12px; word-break: break-word; background: #f3f4f6; border-radius: 4px; padding: 0 4px; }
      dialog::backdrop { background: rgba(17, 24, 39, 0.35); }
    `,
  ];

  @property({ attribute: false }) me!: Me;
  @state() private tab: Tab = 'users';
  /** The user whose password is being set in the dialog. */
  @state() private passwordOf: User | null = null;
  @state() private passwordError = '';
  private auditAsked = 0;
  @state() private users: User[] = [];
  @state() private audit: AuditEntry[] = [];
  @state() private auditTotal = 0;
  @state() private auditOffset = 0;
  @state() private filter: Record<string, string> = {};
  @state() private adding = false;
  @state() private notice = '';

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  private async load() {
    await this.attempt(async () => {
      if (this.tab === 'concentrators') return;
      if (this.tab === 'users') this.users = (await api<{ items: User[] }>('GET', '/api/users?limit=500')).items;
      else {
        if (!this.users.length) this.users = (await api<{ items: User[] }>('GET', '/api/users?limit=500')).items;
        const qs = new URLSearchParams({ limit: '50', offset: String(this.auditOffset), ...this.filter });
        const asked = ++this.auditAsked;
        const r = await api<{ total: number; items: AuditEntry[] }>('GET', `/api/audit?${qs}`);
        // Answers may come back in any order: only the latest filter's is shown.
        if (asked !== this.auditAsked) return;
        this.audit = r.items;
        this.auditTotal = r.total;
      }
    });
  }

  private async patch(user: User, body: Record<string, unknown>, notice = '') {
    await this.attempt(async () => {
      await api('PATCH', `/api/users/${user.id}`, body);
      this.notice = notice;
      await this.load();
    });
  }

  private async create(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    await this.attempt(async () => {
      await api('POST', '/api/users', { email: f.get('email'), password: f.get('password'), role: f.get('role'), ...(f.get('name') ? { name: f.get('name') } : {}) });
      this.adding = false;
      await this.load();
    });
  }

  private openPassword(user: User) {
    this.passwordOf = user;
    this.passwordError = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.showModal());
  }

  private closePassword() {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    this.passwordOf = null;
  }

  private async setPassword(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const password = String(f.get('password') ?? '');
    if (password !== String(f.get('repeat') ?? '')) {
      this.passwordError = t('set.mismatch');
      return;
    }
    const user = this.passwordOf!;
    try {
      await api('PATCH', `/api/users/${user.id}`, { password });
      this.closePassword();
      this.notice = `${t('set.passwordChanged')}: ${user.email}`;
    } catch (err) {
      this.passwordError = (err as Error).message;
    }
  }

  private passwordDialog() {
    const u = this.passwordOf;
    return html`<dialog aria-label=${t('set.resetPassword')} @close=${() => (this.passwordOf = null)} @cancel=${() => (this.passwordOf = null)}>
      ${u
        ? html`<form class="grid" aria-label=${t('set.resetPassword')} @submit=${this.setPassword}>
            <strong style="grid-column: 1 / -1">${t('set.passwordFor').replace('{email}', u.email)}</strong>
            <label>${t('set.newPassword')}<span class="req">*</span><input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
            <label>${t('set.repeatPassword')}<span class="req">*</span><input name="repeat" type="password" required minlength="8" autocomplete="new-password" /></label>
            ${this.passwordError ? html`<div class="error" role="alert" style="grid-column: 1 / -1">${this.passwordError}</div>` : nothing}
            <div class="actions" style="grid-column: 1 / -1"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${this.closePassword}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
    </dialog>`;
  }

  private usersTab() {
    return html`
      <div class="toolbar"><span class="grow"></span><button class="primary" @click=${() => (this.adding = !this.adding)}>${t('common.create')}</button></div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('set.newUser')} @submit=${this.create}>
            <label>${t('set.email')}<span class="req">*</span><input name="email" type="email" required /></label>
            <label>${t('set.password')}<span class="req">*</span><input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
            <label>${t('set.role')}<span class="req">*</span><select name="role">${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select></label>
            <label>${t('set.name')}<input name="name" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap"><table aria-label=${t('set.users')}>
        <thead><tr><th>${t('set.email')}</th><th>${t('set.name')}</th><th>${t('set.role')}</th><th>${t('set.active')}</th><th>${t('set.lastLogin')}</th><th></th></tr></thead>
        <tbody>
          ${this.users.map(
            (u) => html`<tr class=${u.active ? '' : 'muted'}>
              <td>${u.email}</td>
              <td>${u.name ?? ''}</td>
              <td>
                <select aria-label="${t('set.role')}: ${u.email}" ?disabled=${u.id === this.me.id} @change=${(e: Event) => this.patch(u, { role: (e.target as HTMLSelectElement).value })}>
                  ${ROLES.map((r) => html`<option value=${r} ?selected=${u.role === r}>${t(`role.${r}`)}</option>`)}
                </select>
              </td>
              <td>${u.active ? '✓' : '—'}</td>
              <td>${fmtDateTime(u.lastLoginAt)}</td>
              <td>
                ${u.id === this.me.id ? nothing : html`<button @click=${() => this.patch(u, { active: !u.active })}>${t(u.active ? 'set.deactivate' : 'set.activate')}</button>`}
                <button aria-label="${t('set.resetPassword')}: ${u.email}" @click=${() => this.openPassword(u)}>${t('set.resetPassword')}</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table></div>
    `;
  }

  private applyFilter(e: Event) {
    e.preventDefault();
    this.filter = formBody(e.target as HTMLFormElement);
    this.auditOffset = 0;
    void this.load();
  }

  private auditTab() {
    return html`
      <form class="toolbar" aria-label=${t('set.audit')} @submit=${this.applyFilter}>
        <select name="userId" aria-label=${t('audit.filterUser')}>
          <option value="">${t('audit.filterUser')}</option>
          ${this.users.map((u) => html`<option value=${u.id}>${u.email}</option>`)}
        </select>
        <select name="entity" aria-label=${t('audit.filterEntity')}>
          <option value="">${t('audit.allEntities')}</option>
          ${ENTITIES.map((e) => html`<option value=${e}>${label('audit.e', e)}</option>`)}
        </select>
        <label>${t('audit.from')} ${dayInput('from')}</label>
        <label>${t('audit.to')} ${dayInput('to')}</label>
        <button type="submit">${t('common.apply')}</button>
      </form>
      <div class="table-wrap"><table aria-label=${t('set.audit')}>
        <thead><tr><th>${t('audit.at')}</th><th>${t('audit.user')}</th><th>${t('audit.action')}</th><th>${t('audit.entity')}</th><th>${t('audit.changes')}</th></tr></thead>
        <tbody>
          ${this.audit.map(
            (a) => html`<tr>
              <td>${fmtDateTime(a.at, true)}</td><td>${a.userEmail ?? ''}<div class="muted">${a.ip ?? ''}</div></td><td>${label('audit.a', a.action)}</td>
              <td>${label('audit.e', a.entity)}<div class="muted" title=${a.entityId ?? ''}>${a.entityId?.slice(0, 8) ?? ''}</div></td>
              <td>${changesOf(a.before, a.after).map(([k, was, now]) => html`<div><span class="muted">${k}:</span> ${was === undefined ? nothing : html`<code>${was}</code> → `}<code>${now ?? ''}</code></div>`)}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <div class="pager">
        <span>${this.auditTotal ? `${this.auditOffset + 1}–${Math.min(this.auditOffset + 50, this.auditTotal)} ${t('common.of')} ${this.auditTotal}` : ''}</span>
        <button ?disabled=${this.auditOffset === 0} @click=${() => ((this.auditOffset = Math.max(0, this.auditOffset - 50)), this.load())}>${t('common.prev')}</button>
        <button ?disabled=${this.auditOffset + 50 >= this.auditTotal} @click=${() => ((this.auditOffset += 50), this.load())}>${t('common.next')}</button>
      </div>
    `;
  }

  override render() {
    return html`
      <div class="tabs" role="tablist">
        ${TABS.map(([tab, key]) => html`<button role="tab" aria-selected=${this.tab === tab} @click=${() => ((this.tab = tab), (this.notice = ''), this.load())}>${t(key)}</button>`)}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="card" role="status">${this.notice}</div>` : nothing}
      ${this.tab === 'users' ? this.usersTab() : this.tab === 'concentrators' ? html`<amr-concentrators .me=${this.me}></amr-concentrators>` : this.auditTab()}
      ${this.passwordDialog()}
    `;
  }
}
