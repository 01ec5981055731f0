import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { liveValidate } from '../../forms.js';
import { t, type TextKey } from '../../i18n.js';
import { navigate } from '../../router.js';
import { AmrElement } from '../amr-element.js';
import '../amr-legacy-import/amr-legacy-import.js';
import { shared } from '../shared-styles.js';

export interface BuildingRow {
  id: string;
  name: string;
  address: string;
  totalArea: string | null;
  premisesCount: number;
  metersCount: number;
  concentratorHosts: string[];
}

interface Found {
  meterId: string;
  serial: string;
  state: string;
  premiseId: string | null;
  premiseNumber: string | null;
  buildingId: string | null;
  buildingName: string | null;
}

type Column = 'name' | 'address' | 'totalArea' | 'premisesCount' | 'metersCount' | 'concentratorHosts';
const COLUMNS: ReadonlyArray<{ key: Column; label: TextKey; num?: boolean; sortable: boolean }> = [
  { key: 'name', label: 'building.name', sortable: true },
  { key: 'address', label: 'building.address', sortable: true },
  { key: 'totalArea', label: 'building.totalArea', num: true, sortable: true },
  { key: 'premisesCount', label: 'building.premisesCount', num: true, sortable: true },
  { key: 'metersCount', label: 'building.metersCount', num: true, sortable: true },
  { key: 'concentratorHosts', label: 'building.concentratorHosts', sortable: false },
];
const PREF = 'overview.columns';
const PAGE = 20;

/** «Обзор» (F01–F03): the buildings with a column chooser, sort, filter and paging; «+ Создать»; search by meter serial. */
export class AmrOverview extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @state() private rows: BuildingRow[] = [];
  @state() private total = 0;
  @state() private offset = 0;
  @state() private sort = 'name';
  @state() private q = '';
  @state() private visible = new Set<Column>(COLUMNS.map((c) => c.key));
  @state() private creating = false;
  @state() private found: Found[] | null = null;
  @state() private loading = true;
  private timer?: number;

  override async connectedCallback() {
    super.connectedCallback();
    const pref = await api<{ value: Column[] | null }>('GET', `/api/preferences/${PREF}`).catch(() => ({ value: null }));
    if (Array.isArray(pref.value)) this.visible = new Set(pref.value.filter((c) => COLUMNS.some((x) => x.key === c)));
    await this.load();
  }

  private async load() {
    const qs = new URLSearchParams({ limit: String(PAGE), offset: String(this.offset), sort: this.sort });
    if (this.q) qs.set('q', this.q);
    this.loading = true;
    try {
      const r = await api<{ total: number; items: BuildingRow[] }>('GET', `/api/buildings?${qs}`);
      this.rows = r.items;
      this.total = r.total;
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private sortBy(key: Column) {
    this.sort = this.sort === key ? `-${key}` : key;
    this.offset = 0;
    void this.load();
  }

  private filter(e: Event) {
    this.q = (e.target as HTMLInputElement).value;
    this.offset = 0;
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.load(), 250);
  }

  private async toggleColumn(key: Column, on: boolean) {
    const next = new Set(this.visible);
    if (on) next.add(key);
    else next.delete(key);
    this.visible = next;
    await api('PUT', `/api/preferences/${PREF}`, { value: COLUMNS.map((c) => c.key).filter((k) => next.has(k)) });
  }

  private async searchSerial(e: Event) {
    e.preventDefault();
    const serial = String(new FormData(e.target as HTMLFormElement).get('serial') ?? '').trim();
    if (!serial) return void (this.found = null);
    await this.attempt(async () => {
      this.found = (await api<{ items: Found[] }>('GET', `/api/search?serial=${encodeURIComponent(serial)}`)).items;
    });
  }

  private create(e: Event) {
    return this.submitForm(e, async (body) => {
      const b = await api<{ id: string }>('POST', '/api/buildings', body);
      this.creating = false;
      navigate(`/buildings/${b.id}`);
    });
  }

  private cell(row: BuildingRow, key: Column) {
    if (key === 'name') return html`<a href="/buildings/${row.id}">${row.name}</a>`;
    if (key === 'concentratorHosts') return row.concentratorHosts.join(', ');
    return row[key] ?? '';
  }

  override render() {
    const cols = COLUMNS.filter((c) => this.visible.has(c.key));
    const canCreate = this.me.role !== 'operator';
    const arrow = (key: string) => (this.sort === key ? ' ▲' : this.sort === `-${key}` ? ' ▼' : '');
    return html`
      <form class="toolbar" role="search" @submit=${this.searchSerial}>
        <input name="serial" type="search" class="serial-search" placeholder=${t('search.serial')} aria-label=${t('search.serial')} />
        <button type="submit">${t('common.search')}</button>
      </form>
      ${this.found
        ? html`<div class="card" aria-label=${t('search.found')}>
            ${this.found.length
              ? html`<table>
                  <tbody>
                    ${this.found.map(
                      (f) => html`<tr>
                        <td><a class="serial state-${f.state}" href="/meters/${f.meterId}">${f.serial}</a></td>
                        <td>${f.buildingId ? html`<a href="/buildings/${f.buildingId}">${f.buildingName}</a>` : nothing}</td>
                        <td>${f.premiseId ? html`<a href="/premises/${f.premiseId}">${f.premiseNumber}</a>` : html`<span class="muted">—</span>`}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<span class="muted">${t('search.nothing')}</span>`}
          </div>`
        : nothing}
      <div class="toolbar">
        <input class="grow" type="search" .value=${this.q} @input=${this.filter} placeholder=${t('building.filter')} aria-label=${t('building.filter')} />
        <details class="columns">
          <summary>${t('common.columns')}</summary>
          <div class="menu">
            ${COLUMNS.map(
              (c) => html`<label><input type="checkbox" name="col-${c.key}" .checked=${this.visible.has(c.key)} @change=${(e: Event) => this.toggleColumn(c.key, (e.target as HTMLInputElement).checked)} />${t(c.label)}</label>`,
            )}
          </div>
        </details>
        ${canCreate ? html`<button class="primary" @click=${() => (this.creating = !this.creating)}>${t('common.create')}</button>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.creating
        ? html`<form class="card grid" aria-label=${t('building.new')} novalidate @submit=${this.create} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            <label>${t('building.name')}<span class="req" title=${t('common.required')}>*</span><input name="name" required /></label>
            <label>${t('building.address')}<span class="req" title=${t('common.required')}>*</span><input name="address" required /></label>
            <label>${t('building.totalArea')}<input name="totalArea" inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <label>${t('building.timeZone')}<input name="timeZone" placeholder="Europe/Moscow" /></label>
            <label>${t('building.notes')}<input name="notes" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.creating = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${t('nav.overview')}>
          <thead>
            <tr>
              ${cols.map((c) => html`<th class=${c.num ? 'num' : ''}>${c.sortable ? html`<button class="sort" @click=${() => this.sortBy(c.key)}>${t(c.label)}${arrow(c.key)}</button>` : t(c.label)}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${this.rows.map((r) => html`<tr>${cols.map((c) => html`<td class=${c.num ? 'num' : ''}>${this.cell(r, c.key)}</td>`)}</tr>`)}
            ${this.rows.length ? nothing : html`<tr><td colspan=${cols.length || 1} class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
      ${canCreate ? html`<amr-legacy-import @amr-imported=${() => this.load()}></amr-legacy-import>` : nothing}
      <div class="pager">
        <span>${this.total ? `${this.offset + 1}–${Math.min(this.offset + PAGE, this.total)} ${t('common.of')} ${this.total}` : ''}</span>
        <button ?disabled=${this.offset === 0} @click=${() => ((this.offset = Math.max(0, this.offset - PAGE)), this.load())}>${t('common.prev')}</button>
        <button ?disabled=${this.offset + PAGE >= this.total} @click=${() => ((this.offset += PAGE), this.load())}>${t('common.next')}</button>
      </div>
    `;
  }
}
