import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { api, type Me } from '../../api.js';
import { fmtDate, t, type TextKey } from '../../i18n.js';
import { dayInput, liveValidate } from '../../forms.js';
import { AmrElement } from '../amr-element.js';
import '../amr-calculations/amr-calculations.js';
import '../amr-concentrators/amr-concentrators.js';
import '../amr-import/amr-import.js';
import '../amr-attach-free/amr-attach-free.js';
import { shared } from '../shared-styles.js';

interface Building {
  id: string;
  name: string;
  address: string;
  totalArea: string | null;
  notes: string | null;
  timeZone: string;
}
interface PremiseRow {
  id: string;
  number: string;
  floor: number | null;
  entrance: number | null;
  area: string;
  accountNumber: string | null;
  kind: 'residential' | 'non-residential';
  acceptanceDate: string | null;
  meters: Array<{ id: string; serial: string; deviceTypeId: string; state: string }>;
  metersCount: number;
}
interface HeatReading {
  id: string;
  date: string;
  value: string;
  unit: string;
}
interface Norm {
  id: string;
  kind: string;
  effectiveFrom: string;
  value: string;
}

type Tab = 'premises' | 'heat-readings' | 'norms' | 'concentrators';
type Col = 'number' | 'floor' | 'entrance' | 'area' | 'accountNumber' | 'acceptanceDate' | 'kind' | 'meters' | 'metersCount';
const COLS: ReadonlyArray<{ key: Col; label: TextKey; num?: boolean }> = [
  { key: 'number', label: 'premise.number' },
  { key: 'floor', label: 'premise.floor', num: true },
  { key: 'entrance', label: 'premise.entrance', num: true },
  { key: 'area', label: 'premise.area', num: true },
  { key: 'accountNumber', label: 'premise.accountNumber' },
  { key: 'acceptanceDate', label: 'premise.acceptanceDate' },
  { key: 'kind', label: 'premise.kind' },
  { key: 'meters', label: 'premise.meters' },
  { key: 'metersCount', label: 'premise.metersCount', num: true },
];
const PREF = 'building.premises.columns';
/** The API's largest page: the premises list is read page by page, never cut at one. */
const API_PAGE = 1000;
/** Height of one premises row (CSS `.scroller tr.row`); the window of rendered rows is computed from it. */
export const ROW_PX = 34;
/** Rows rendered above and below the visible ones, so a quick scroll meets no blank. */
const OVERSCAN = 12;
export const STATES = ['ok', 'stale', 'error', 'decommissioned'] as const;


/** «Карточка объекта» (F04, F05, F07, F08): info and edit, the premises tab with meter states, building meter readings, norms. */
export class AmrBuildingCard extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @property() buildingId = '';
  @state() private building?: Building;
  @state() private tab: Tab = 'premises';
  @state() private premises: PremiseRow[] = [];
  /** The first row of the rendered window and the box's height: only the rows near the viewport are in the DOM. */
  @state() private first = 0;
  @state() private viewport = 560;
  @state() private loading = true;
  @state() private q = '';
  @state() private visible = new Set<Col>(COLS.map((c) => c.key));
  @state() private selected = new Set<string>();
  @state() private records: Array<HeatReading | Norm> = [];
  @state() private editing = false;
  @state() private adding = false;
  private anchor?: number;
  private timer?: number;

  override async connectedCallback() {
    super.connectedCallback();
    const pref = await api<{ value: Col[] | null }>('GET', `/api/preferences/${PREF}`).catch(() => ({ value: null }));
    if (Array.isArray(pref.value)) this.visible = new Set(pref.value);
    await this.load();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('buildingId') && changed.get('buildingId') !== undefined) void this.load();
  }

  private async load() {
    this.first = 0;
    await this.attempt(async () => {
      this.building = await api<Building>('GET', `/api/buildings/${this.buildingId}`);
      this.emit('amr-title', this.building.name);
      await this.loadTab();
    });
  }

  private onScroll(e: Event) {
    const box = e.target as HTMLElement;
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_PX) - OVERSCAN);
    if (first !== this.first) this.first = first;
    if (box.clientHeight && box.clientHeight !== this.viewport) this.viewport = box.clientHeight;
  }

  private async loadTab() {
    this.loading = true;
    try {
      await this.fetchTab();
    } finally {
      this.loading = false;
    }
  }

  private async fetchTab() {
    if (this.tab === 'concentrators') return;
    if (this.tab === 'premises') {
      const all: PremiseRow[] = [];
      for (let total = Infinity; all.length < total; ) {
        const qs = new URLSearchParams({ limit: String(API_PAGE), offset: String(all.length) });
        if (this.q) qs.set('q', this.q);
        const page = await api<{ total: number; items: PremiseRow[] }>('GET', `/api/buildings/${this.buildingId}/premises?${qs}`);
        all.push(...page.items);
        total = page.items.length ? page.total : all.length;
      }
      this.premises = all;
      this.selected = new Set([...this.selected].filter((id) => all.some((p) => p.id === id)));
    } else {
      this.records = [];
      this.records = (await api<{ items: Array<HeatReading | Norm> }>('GET', `/api/buildings/${this.buildingId}/${this.tab}?limit=200`)).items;
    }
  }

  private async show(tab: Tab) {
    this.tab = tab;
    this.adding = false;
    // A new scroll box starts at its top: so does the window of rendered rows.
    this.first = 0;
    await this.loadTab().catch((err) => (this.error = (err as Error).message));
  }

  private save(e: Event) {
    return this.submitForm(e, async (body) => {
      this.building = await api<Building>('PATCH', `/api/buildings/${this.buildingId}`, body);
      this.emit('amr-title', this.building.name);
      this.editing = false;
    });
  }

  private add(e: Event) {
    const url = this.tab === 'premises' ? `/api/buildings/${this.buildingId}/premises` : `/api/buildings/${this.buildingId}/${this.tab}`;
    return this.submitForm(e, async (fields) => {
      const body: Record<string, unknown> = { ...fields };
      for (const k of ['floor', 'entrance']) if (body[k] !== undefined) body[k] = Number(body[k]);
      await api('POST', url, body);
      this.adding = false;
      await this.loadTab();
    });
  }

  /** F09: the selected premises leave the building and become free premises again. */
  private async detachSelected() {
    const ids = [...this.selected];
    await this.attempt(async () => {
      for (const id of ids) await api('PUT', `/api/premises/${id}/building`, { buildingId: null });
      this.selected = new Set();
      await this.loadTab();
    });
  }



  /** Click selects a row; Ctrl adds or removes it; Shift selects the range from the last click (F24). */
  private select(e: MouseEvent, index: number) {
    if ((e.target as HTMLElement).closest('a')) return;
    const id = this.premises[index]!.id;
    const next = e.ctrlKey || e.metaKey || e.shiftKey ? new Set(this.selected) : new Set<string>();
    if (e.shiftKey && this.anchor !== undefined) {
      const [a, b] = [Math.min(this.anchor, index), Math.max(this.anchor, index)];
      for (let i = a; i <= b; i++) next.add(this.premises[i]!.id);
    } else if ((e.ctrlKey || e.metaKey) && this.selected.has(id)) {
      next.delete(id);
    } else {
      next.add(id);
    }
    if (!e.shiftKey) this.anchor = index;
    this.selected = next;
    this.dispatchEvent(new CustomEvent('amr-selection', { detail: [...next], bubbles: true, composed: true }));
  }

  private async toggleColumn(key: Col, on: boolean) {
    const next = new Set(this.visible);
    if (on) next.add(key);
    else next.delete(key);
    this.visible = next;
    await api('PUT', `/api/preferences/${PREF}`, { value: COLS.map((c) => c.key).filter((k) => next.has(k)) });
  }

  private cell(p: PremiseRow, key: Col) {
    switch (key) {
      case 'number':
        return html`<a href="/premises/${p.id}">${p.number}</a>`;
      case 'kind':
        return t(`premise.kind.${p.kind}` as TextKey);
      case 'acceptanceDate':
        return fmtDate(p.acceptanceDate);
      case 'metersCount':
        return String(p.metersCount ?? p.meters.length);
      case 'meters':
        return p.meters.map((m) => html`<a class="serial state-${m.state}" href="/meters/${m.id}" title=${t(`state.${m.state}` as TextKey)}>${m.serial}</a>`);
      default:
        return p[key] ?? '';
    }
  }

  /** The rows near the viewport between two spacers as tall as the rows left out: the DOM stays small however long the list. */
  private premisesWindow(cols: ReadonlyArray<{ key: Col; num?: boolean }>) {
    const total = this.premises.length;
    const first = Math.min(this.first, Math.max(0, total - 1));
    const last = Math.min(total, first + Math.ceil(this.viewport / ROW_PX) + 2 * OVERSCAN);
    const span = cols.length || 1;
    return html`
      ${first > 0 ? html`<tr class="spacer" aria-hidden="true"><td colspan=${span} style="height:${first * ROW_PX}px"></td></tr>` : nothing}
      ${repeat(
        this.premises.slice(first, last),
        (p) => p.id,
        (p, i) => html`<tr class="row ${this.selected.has(p.id) ? 'selected' : ''}" aria-rowindex=${first + i + 2} aria-selected=${this.selected.has(p.id)} @click=${(e: MouseEvent) => this.select(e, first + i)}>
          ${cols.map((c) => html`<td class=${c.num ? 'num' : ''}>${this.cell(p, c.key)}</td>`)}
        </tr>`,
      )}
      ${last < total ? html`<tr class="spacer" aria-hidden="true"><td colspan=${span} style="height:${(total - last) * ROW_PX}px"></td></tr>` : nothing}
    `;
  }

  private premisesTab() {
    const cols = COLS.filter((c) => this.visible.has(c.key));
    return html`
      <div class="toolbar">
        <input class="grow" type="search" .value=${this.q} placeholder=${t('premise.filter')} aria-label=${t('premise.filter')}
          @input=${(e: Event) => {
            this.q = (e.target as HTMLInputElement).value;
            this.first = 0;
            this.renderRoot.querySelector('.scroller')?.scrollTo(0, 0);
            clearTimeout(this.timer);
            this.timer = window.setTimeout(() => void this.loadTab(), 250);
          }} />
        ${this.selected.size ? html`<span class="muted">${t('common.selected')}: ${this.selected.size}</span>` : nothing}
        <details class="columns">
          <summary>${t('common.columns')}</summary>
          <div class="menu">
            ${COLS.map((c) => html`<label><input type="checkbox" .checked=${this.visible.has(c.key)} @change=${(e: Event) => this.toggleColumn(c.key, (e.target as HTMLInputElement).checked)} />${t(c.label)}</label>`)}
          </div>
        </details>
        ${this.me.role !== 'operator' && this.selected.size
          ? html`<button @click=${this.detachSelected}>${t('premise.detach')}</button>`
          : nothing}
        ${this.me.role !== 'operator'
          ? html`<amr-attach-free label=${t('building.attachPremise')} listUrl="/api/premises?free=true&limit=500" .attachUrl=${(id: string) => `/api/premises/${id}/building`} .body=${{ buildingId: this.buildingId }} .text=${(p: Record<string, unknown>) => String(p.number)} @amr-attached=${() => this.loadTab()}></amr-attach-free><button class="primary" @click=${() => (this.adding = !this.adding)}>${t('common.add')}</button>`
          : nothing}
      </div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('premise.new')} novalidate @submit=${this.add} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            <label>${t('premise.number')}<span class="req">*</span><input name="number" required maxlength="50" /></label>
            <label>${t('premise.area')}<span class="req">*</span><input name="area" required inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <label>${t('premise.kind')}<span class="req">*</span
              ><select name="kind" required>
                <option value="residential">${t('premise.kind.residential')}</option>
                <option value="non-residential">${t('premise.kind.non-residential')}</option>
              </select></label
            >
            <label>${t('premise.floor')}<input name="floor" type="number" min="-10" max="300" step="1" /></label>
            <label>${t('premise.entrance')}<input name="entrance" type="number" min="0" max="100" step="1" /></label>
            <label>${t('premise.accountNumber')}<input name="accountNumber" /></label>
            <label>${t('premise.acceptanceDate')}${dayInput('acceptanceDate')}</label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="scroller" @scroll=${this.onScroll}>
        <table aria-label=${t('tab.premises')} aria-rowcount=${this.premises.length + 1}>
          <thead><tr>${cols.map((c) => html`<th class=${c.num ? 'num' : ''}>${t(c.label)}</th>`)}</tr></thead>
          <tbody>
            ${this.premisesWindow(cols)}
            ${this.premises.length ? nothing : html`<tr><td colspan=${cols.length || 1} class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
      <div class="legend">${STATES.map((s) => html`<span class="state-${s}">■ ${t(`state.${s}` as TextKey)}</span>`)}</div>
    `;
  }

  private recordsTab() {
    const heat = this.tab === 'heat-readings';
    const head: TextKey[] = heat ? ['odpu.date', 'odpu.value', 'odpu.unit'] : ['norm.kind', 'norm.effectiveFrom', 'norm.value'];
    return html`
      <div class="toolbar">
        <span class="grow"></span>
        ${this.me.role !== 'operator' ? html`<button class="primary" @click=${() => (this.adding = !this.adding)}>${t('common.add')}</button>` : nothing}
      </div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${heat ? t('tab.odpu') : t('tab.norms')} novalidate @submit=${this.add} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            ${heat
              ? html`<label>${t('odpu.date')}<span class="req">*</span>${dayInput('date', '', true)}</label>
                  <label>${t('odpu.value')}<span class="req">*</span><input name="value" required inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
                  <label>${t('odpu.unit')}<select name="unit"><option>Gcal</option><option>GJ</option><option>MWh</option><option>kWh</option></select></label>`
              : html`<label>${t('norm.kind')}<span class="req">*</span
                    ><select name="kind" required>
                      <option value="residential">${t('premise.kind.residential')}</option>
                      <option value="non-residential">${t('premise.kind.non-residential')}</option>
                    </select></label
                  >
                  <label>${t('norm.effectiveFrom')}<span class="req">*</span>${dayInput('effectiveFrom', '', true)}</label>
                  <label>${t('norm.value')}<span class="req">*</span><input name="value" required inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>`}
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${heat ? t('tab.odpu') : t('tab.norms')}>
          <thead><tr>${head.map((h, i) => html`<th class=${i === (heat ? 1 : 2) ? 'num' : ''}>${t(h)}</th>`)}</tr></thead>
          <tbody>
            ${this.records.map((r) =>
              'date' in r
                ? html`<tr><td>${fmtDate(r.date)}</td><td class="num">${r.value}</td><td>${r.unit}</td></tr>`
                : html`<tr><td>${t(`premise.kind.${r.kind}` as TextKey)}</td><td>${fmtDate(r.effectiveFrom)}</td><td class="num">${r.value}</td></tr>`,
            )}
            ${this.records.length ? nothing : html`<tr><td colspan="3" class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }

  override render() {
    const b = this.building;
    if (!b) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<span class="muted">${t('common.loading')}</span>`;
    return html`
      <h1>${b.name}</h1>
      <div class="sub">${b.address}</div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="card">
        ${this.editing
          ? html`<form class="grid" aria-label=${t('common.edit')} novalidate @submit=${this.save} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
              <label>${t('building.name')}<span class="req">*</span><input name="name" required .value=${b.name} /></label>
              <label>${t('building.address')}<span class="req">*</span><input name="address" required .value=${b.address} /></label>
              <label>${t('building.totalArea')}<input name="totalArea" inputmode="decimal" pattern="\\d+([.]\\d+)?" .value=${b.totalArea ?? ''} /></label>
              <label>${t('building.timeZone')}<input name="timeZone" .value=${b.timeZone} /></label>
              <label>${t('building.notes')}<input name="notes" .value=${b.notes ?? ''} /></label>
              <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = false)}>${t('common.cancel')}</button></div>
            </form>`
          : html`<dl class="info">
                <dt>${t('building.totalArea')}</dt><dd>${b.totalArea ?? '—'}</dd>
                <dt>${t('building.timeZone')}</dt><dd>${b.timeZone}</dd>
                <dt>${t('building.notes')}</dt><dd>${b.notes || '—'}</dd>
              </dl>
              ${this.me.role !== 'operator' ? html`<div class="actions"><button @click=${() => (this.editing = true)}>${t('common.edit')}</button></div>` : nothing}`}
      </div>
      <amr-calculations .me=${this.me} buildingId=${this.buildingId} .selected=${[...this.selected]}></amr-calculations>
      ${this.me.role !== 'operator' ? html`<amr-import buildingId=${this.buildingId} @amr-imported=${() => this.loadTab()}></amr-import>` : nothing}
      <div class="tabs" role="tablist">
        ${(['premises', 'heat-readings', 'norms', 'concentrators'] as const).map(
          (tab) =>
            html`<button role="tab" aria-selected=${this.tab === tab} @click=${() => this.show(tab)}>
              ${t(({ premises: 'tab.premises', 'heat-readings': 'tab.odpu', norms: 'tab.norms', concentrators: 'conc.title' } as const)[tab])}
            </button>`,
        )}
      </div>
      ${this.tab === 'premises' ? this.premisesTab() : this.tab === 'concentrators' ? html`<amr-concentrators .me=${this.me} buildingId=${this.buildingId}></amr-concentrators>` : this.recordsTab()}
    `;
  }
}
