import { css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { t } from '../../i18n.js';
import { fmtDateTime, label } from '../../labels.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
}
interface Driver {
  id: string;
  label: string;
  mode: 'poll' | 'push';
  secretSettings: string[];
  settingsSchema?: JsonSchema;
  canCheck: boolean;
  canScan?: boolean;
}
interface Stats {
  successRate7d: number | null;
  successRate30d: number | null;
  readingsPerRun30d: number | null;
}
interface Found {
  serial: string;
  meterSetting: Record<string, unknown>;
  deviceTypeId?: string;
  description: string;
  inRegistry: boolean;
  inSettings: boolean;
  meterId: string | null;
}
interface Concentrator {
  id: string;
  name: string | null;
  type: string;
  host: string | null;
  port: number | null;
  driverId: string;
  buildingId: string;
  settings: Record<string, unknown>;
  secretsSet: string[];
  enabled: boolean;
}
interface WebPart {
  tagName: string;
  url: string;
  slot: string;
  for: string;
}
interface Run {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  readingsStored: number;
  duplicates: number;
  problems: Array<{ message: string }>;
}

/**
 * «Домовые концентраторы» (F14, F15, F26, F27): of one building (the building card's tab) or,
 * without `buildingId`, of all buildings (Settings). Add or edit one (type, address, access by
 * driver, the driver's settings as a form generated from its schema or the plugin's web part),
 * enable, disable or delete it; its schedule with the description in words; «Проверить
 * соединение» and «Считать сейчас» (managers and administrators); its poll journal and
 * statistics; «Поиск приборов» with «Создать» for a found meter the registry lacks.
 */
export class AmrConcentrators extends AmrElement {
  static override styles = [
    shared,
    css`
      td button.name { border: 0; background: none; padding: 0; color: #1d4ed8; font-weight: 600; text-align: left; }
      td button.name:hover { text-decoration: underline; background: none; }
      td.details { background: #f8fafc; padding: 12px 16px 16px; }
    `,
  ];

  @property({ attribute: false }) me!: Me;
  /** The building whose concentrators are listed; empty: every building's, with a building column. */
  @property() buildingId = '';
  @state() private list: Concentrator[] = [];
  @state() private buildings: Array<{ id: string; name: string }> = [];
  @state() private types: Array<{ id: string; label: string }> = [];
  @state() private drivers: Driver[] = [];
  @state() private driverId = '';
  /** The form open: a new concentrator, or the one being edited. */
  @state() private editing: 'new' | Concentrator | null = null;
  @state() private deleting = '';
  @state() private open = '';
  @state() private runs: Run[] = [];
  @state() private cron = { text: '', description: '', next: [] as string[] };
  @state() private cronLoaded = false;
  @state() private message = '';
  @state() private stats: Stats | null = null;
  @state() private found: Found[] | null = null;
  /** Plugin web parts (P2) for driver settings, by driver id; a driver without one gets the generated form. */
  private parts = new Map<string, WebPart>();
  private partValue: Record<string, unknown> = {};
  /** The number of the latest cron preview asked: an older answer arriving late is dropped. */
  private cronAsked = 0;

  override async connectedCallback() {
    super.connectedCallback();
    const kinds = await api<{ types: Array<{ id: string; label: string }>; drivers: Driver[] }>('GET', '/api/concentrator-types');
    this.types = kinds.types;
    this.drivers = kinds.drivers;
    this.driverId = kinds.drivers[0]?.id ?? '';
    const plugins = await api<{ items: Array<{ webParts: WebPart[] }> }>('GET', '/api/plugins').catch(() => ({ items: [] }));
    for (const w of plugins.items.flatMap((p) => p.webParts)) if (w.slot === 'driver-settings') this.parts.set(w.for, w);
    if (!this.buildingId) this.buildings = (await api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/buildings?limit=1000')).items;
    await this.load();
  }

  private get manager() {
    return this.me.role !== 'operator';
  }

  /** Mounts the selected driver's web part (imported from the plugin's served assets) in its slot, with the stored settings when editing. */
  override async updated() {
    const slot = this.renderRoot.querySelector<HTMLElement>('[data-slot=driver-settings]');
    const part = this.parts.get(this.driverId);
    if (!slot || !part || slot.dataset.tag === part.tagName) return;
    slot.dataset.tag = part.tagName;
    await import(/* @vite-ignore */ part.url);
    const el = document.createElement(part.tagName) as HTMLElement & { value: unknown };
    const stored = this.editing && this.editing !== 'new' && this.editing.driverId === this.driverId ? { ...this.editing.settings } : {};
    this.partValue = stored;
    el.value = stored;
    el.addEventListener('amr-change', (e) => (this.partValue = (e as CustomEvent<Record<string, unknown>>).detail));
    slot.replaceChildren(el);
  }

  private async load() {
    const q = this.buildingId ? `buildingId=${this.buildingId}&` : '';
    this.list = (await api<{ items: Concentrator[] }>('GET', `/api/concentrators?${q}limit=1000`)).items;
  }

  /** The driver's settings from the generated form: numbers and booleans typed, JSON fields parsed, empty fields left to defaults (or, editing, to what is stored). */
  private settingsOf(f: FormData, schema: JsonSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
      const raw = f.get(`s.${key}`);
      if (prop.type === 'boolean') out[key] = raw === 'on';
      else if (raw === null || raw === '') continue;
      else if (prop.type === 'integer' || prop.type === 'number') out[key] = Number(raw);
      else if (prop.type === 'array' || prop.type === 'object') out[key] = JSON.parse(String(raw));
      else out[key] = String(raw);
    }
    return out;
  }

  private startEdit(c: Concentrator | 'new') {
    this.editing = c;
    this.deleting = '';
    this.driverId = c === 'new' ? (this.drivers[0]?.id ?? '') : c.driverId;
  }

  private async save(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const driver = this.drivers.find((d) => d.id === this.driverId);
    const editing = this.editing;
    await this.attempt(async () => {
      const settings = this.parts.has(this.driverId) ? this.partValue : this.settingsOf(f, driver?.settingsSchema);
      const body: Record<string, unknown> = { type: f.get('type'), driverId: this.driverId, settings };
      if (editing === 'new') {
        body.buildingId = this.buildingId || f.get('buildingId');
        if (f.get('name')) body.name = f.get('name');
        if (f.get('host')) body.host = f.get('host');
        if (f.get('port')) body.port = Number(f.get('port'));
        await api('POST', '/api/concentrators', body);
      } else if (editing) {
        body.name = f.get('name') || null;
        body.host = f.get('host') || null;
        body.port = f.get('port') ? Number(f.get('port')) : null;
        body.enabled = f.get('enabled') === 'on';
        await api('PATCH', `/api/concentrators/${editing.id}`, body);
        this.message = t('conc.saved');
      }
      this.editing = null;
      await this.load();
    });
  }

  private async setEnabled(c: Concentrator, enabled: boolean) {
    await this.attempt(async () => {
      await api('PATCH', `/api/concentrators/${c.id}`, { enabled });
      await this.load();
    });
  }

  private async deleteConcentrator(c: Concentrator) {
    await this.attempt(async () => {
      await api('DELETE', `/api/concentrators/${c.id}`);
      this.deleting = '';
      this.open = '';
      await this.load();
      this.message = t('conc.deleted');
    });
  }

  private async show(c: Concentrator) {
    this.open = this.open === c.id ? '' : c.id;
    this.message = '';
    this.deleting = '';
    // The schedule field stays disabled until the stored schedule is in, so that what the
    // operator types is never overwritten by a late answer.
    this.cronLoaded = false;
    this.cronAsked++;
    if (!this.open) return;
    const [runs, stats, s] = await Promise.all([
      api<{ items: Run[] }>('GET', `/api/poll-runs?concentratorId=${c.id}&limit=20`),
      api<Stats>('GET', `/api/concentrators/${c.id}/stats`).catch(() => null),
      api<{ cron: string | null; description?: string; nextRuns?: string[] } | null>('GET', `/api/concentrators/${c.id}/schedule`).catch(() => null),
    ]);
    if (this.open !== c.id) return;
    this.runs = runs.items;
    this.stats = stats;
    this.found = null;
    this.cron = { text: s?.cron ?? '', description: s?.description ?? '', next: s?.nextRuns ?? [] };
    this.cronLoaded = true;
  }

  /** The schedule in words as it is typed; answers come back in any order, only the latest asked is shown. */
  private async previewCron(text: string) {
    const asked = ++this.cronAsked;
    this.cron = { ...this.cron, text };
    if (!text.trim()) {
      this.cron = { text, description: '', next: [] };
      return;
    }
    let next: typeof this.cron;
    try {
      const p = await api<{ description: string; nextRuns: string[] }>('GET', `/api/cron-preview?cron=${encodeURIComponent(text)}`);
      next = { text, description: p.description, next: p.nextRuns };
    } catch (err) {
      next = { text, description: (err as Error).message, next: [] };
    }
    if (asked === this.cronAsked) this.cron = next;
  }

  private async createMeter(f: Found) {
    await this.attempt(async () => {
      const m = await api<{ id: string }>('POST', '/api/meters', { serial: f.serial, deviceTypeId: f.deviceTypeId });
      this.found = (this.found ?? []).map((x) => (x === f ? { ...x, inRegistry: true, meterId: m.id } : x));
      this.message = `${t('conc.meterCreated')}: ${f.serial}`;
    });
  }

  private async act(c: Concentrator, what: 'check' | 'poll' | 'schedule' | 'scan') {
    this.error = '';
    await this.attempt(async () => {
      if (what === 'scan') {
        this.message = t('common.loading');
        this.found = (await api<{ found: Found[] }>('POST', `/api/concentrators/${c.id}/scan`, {})).found;
        this.message = `${t('conc.scan')}: ${this.found.length}`;
      } else if (what === 'check') {
        const r = await api<{ ok: boolean; message: string }>('POST', `/api/concentrators/${c.id}/check`);
        this.message = `${r.ok ? '✓' : '✗'} ${r.message}`;
      } else if (what === 'schedule') {
        await api('PUT', `/api/concentrators/${c.id}/schedule`, { cron: this.cron.text });
        this.message = `✓ ${this.cron.description}`;
      } else {
        const { runId } = await api<{ runId: string }>('POST', `/api/concentrators/${c.id}/poll`);
        let run: Run | undefined;
        for (let i = 0; i < 600; i++) {
          run = await api<Run>('GET', `/api/poll-runs/${runId}`);
          if (run.outcome !== 'running') break;
          await new Promise((r) => setTimeout(r, 250));
        }
        this.runs = (await api<{ items: Run[] }>('GET', `/api/poll-runs?concentratorId=${c.id}&limit=20`)).items;
        this.message = t('conc.pollResult').replace('{outcome}', label('outcome', run!.outcome)).replace('{n}', String(run!.readingsStored));
      }
    });
  }

  private field(key: string, prop: JsonSchema, required: boolean, secret: boolean, stored: Record<string, unknown> | undefined, secretSet: boolean) {
    const label = html`${prop.description ?? key}${required && !secretSet ? html`<span class="req">*</span>` : nothing}`;
    const def = prop.default === undefined ? '' : String(prop.default);
    const value = stored?.[key];
    if (prop.type === 'boolean') return html`<label class="check"><span><input type="checkbox" name="s.${key}" ?checked=${value === undefined ? prop.default === true : value === true} /> ${label}</span></label>`;
    if (prop.type === 'array' || prop.type === 'object')
      return html`<label>${label}<textarea name="s.${key}" rows="2" placeholder=${prop.type === 'array' ? '[]' : '{}'} ?required=${required} .value=${value === undefined ? '' : JSON.stringify(value)}></textarea></label>`;
    if (prop.enum) return html`<label>${label}<select name="s.${key}">${prop.enum.map((v) => html`<option ?selected=${String(v) === (value === undefined ? def : String(value))}>${String(v)}</option>`)}</select></label>`;
    const type = secret ? 'password' : prop.type === 'integer' || prop.type === 'number' ? 'number' : 'text';
    const placeholder = secretSet ? `•••• (${t('conc.secretKept')})` : def;
    return html`<label>${label}<input name="s.${key}" type=${type} placeholder=${placeholder} ?required=${required && !secretSet} autocomplete=${secret ? 'new-password' : 'off'} .value=${value === undefined || secret ? '' : String(value)} /></label>`;
  }

  private form() {
    const editing = this.editing;
    if (!editing) return nothing;
    const c = editing === 'new' ? undefined : editing;
    const driver = this.drivers.find((d) => d.id === this.driverId);
    const stored = c && c.driverId === this.driverId ? c.settings : undefined;
    const title = c ? `${t('conc.editTitle')} «${c.name || c.type}»` : t('conc.add');
    return html`<form class="card grid" aria-label=${c ? t('conc.editTitle') : t('conc.add')} @submit=${this.save}>
      <strong style="grid-column: 1 / -1">${title}</strong>
      ${!c && !this.buildingId
        ? html`<label>${t('conc.building')}<span class="req">*</span><select name="buildingId" required>${this.buildings.map((b) => html`<option value=${b.id}>${b.name}</option>`)}</select></label>`
        : nothing}
      <label>${t('conc.name')}<input name="name" .value=${c?.name ?? ''} /></label>
      <label>${t('conc.type')}<span class="req">*</span><select name="type" required>${this.types.map((x) => html`<option value=${x.id} ?selected=${c?.type === x.id}>${x.label}</option>`)}</select></label>
      <label>${t('conc.driver')}<span class="req">*</span
        ><select name="driverId" .value=${this.driverId} @change=${(e: Event) => (this.driverId = (e.target as HTMLSelectElement).value)}>
          ${this.drivers.map((d) => html`<option value=${d.id} ?selected=${d.id === this.driverId}>${d.label}</option>`)}
        </select></label
      >
      <label>${t('conc.host')}<input name="host" .value=${c?.host ?? ''} /></label>
      <label>${t('conc.port')}<input name="port" type="number" min="1" max="65535" .value=${c?.port ? String(c.port) : ''} /></label>
      ${c ? html`<label class="check"><span><input type="checkbox" name="enabled" ?checked=${c.enabled} /> ${t('conc.enabled')}</span></label>` : nothing}
      <fieldset style="grid-column: 1 / -1; border: 1px solid #e5e7eb; border-radius: 8px;">
        <legend>${t('conc.settings')}</legend>
        ${this.parts.has(this.driverId)
          ? html`<div data-slot="driver-settings"></div>`
          : html`<div class="grid" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 14px;">
              ${Object.entries(driver?.settingsSchema?.properties ?? {}).map(([k, p]) =>
                this.field(k, p, driver?.settingsSchema?.required?.includes(k) ?? false, driver?.secretSettings.includes(k) ?? false, stored, stored !== undefined && (c?.secretsSet ?? []).includes(k)),
              )}
            </div>`}
      </fieldset>
      <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = null)}>${t('common.cancel')}</button></div>
    </form>`;
  }

  private details(c: Concentrator) {
    const manager = this.manager;
    const driver = this.drivers.find((d) => d.id === c.driverId);
    return html`<div class="toolbar">
        <label>${t('conc.schedule')} <input aria-label=${t('conc.schedule')} ?disabled=${!this.cronLoaded || !manager} .value=${this.cron.text} @input=${(e: Event) => this.previewCron((e.target as HTMLInputElement).value)} placeholder="0 3 * * *" /></label>
        <span class="muted" aria-live="polite">${this.cron.description}${this.cron.next.length ? ` · ${this.cron.next.join(', ')}` : ''}</span>
        ${manager ? html`<button @click=${() => this.act(c, 'schedule')}>${t('conc.saveSchedule')}</button>` : nothing}
      </div>
      ${manager
        ? html`<div class="toolbar">
            ${driver?.canCheck ? html`<button @click=${() => this.act(c, 'check')}>${t('conc.check')}</button>` : nothing}
            ${driver?.canScan ? html`<button @click=${() => this.act(c, 'scan')}>${t('conc.scan')}</button>` : nothing}
            <button class="primary" ?disabled=${!c.enabled} @click=${() => this.act(c, 'poll')}>${t('conc.pollNow')}</button>
            <span class="grow"></span>
            <button @click=${() => this.startEdit(c)}>${t('conc.edit')}</button>
            <button @click=${() => this.setEnabled(c, !c.enabled)}>${t(c.enabled ? 'conc.disable' : 'conc.enable')}</button>
            <button @click=${() => (this.deleting = c.id)}>${t('conc.delete')}</button>
          </div>`
        : nothing}
      ${this.deleting === c.id
        ? html`<div class="error" role="alertdialog" aria-label=${t('conc.delete')}>
            ${t('conc.deleteConfirm').replace('{name}', c.name || c.type)}
            <div class="actions"><button class="primary" @click=${() => this.deleteConcentrator(c)}>${t('common.delete')}</button><button @click=${() => (this.deleting = '')}>${t('common.cancel')}</button></div>
          </div>`
        : nothing}
      ${this.stats
        ? html`<div class="sub">${t('conc.stats')
            .replace('{a}', this.stats.successRate7d === null ? '—' : `${Math.round(this.stats.successRate7d * 100)}%`)
            .replace('{b}', this.stats.successRate30d === null ? '—' : `${Math.round(this.stats.successRate30d * 100)}%`)
            .replace('{c}', this.stats.readingsPerRun30d === null ? '—' : String(this.stats.readingsPerRun30d))}</div>`
        : nothing}
      ${this.found
        ? html`<table aria-label=${t('conc.scan')}><tbody>${this.found.map(
            (f) => html`<tr><td>${f.meterId ? html`<a href="/meters/${f.meterId}">${f.serial}</a>` : f.serial}</td><td>${f.description}</td><td>${f.deviceTypeId ?? ''}</td>
              <td>${f.inRegistry ? t('conc.inRegistry') : html`<strong>${t('conc.notInRegistry')}</strong>`}${f.inSettings ? ` · ${t('conc.inSettings')}` : ''}</td>
              <td>${!f.inRegistry && f.deviceTypeId && manager ? html`<button aria-label="${t('conc.createMeter')} ${f.serial}" @click=${() => this.createMeter(f)}>${t('conc.createMeter')}</button>` : nothing}</td></tr>`,
          )}</tbody></table>`
        : nothing}
      ${this.message ? html`<div role="status">${this.message}</div>` : nothing}
      <table aria-label=${t('conc.runs')}>
        <thead><tr><th>${t('conc.started')}</th><th>${t('conc.outcome')}</th><th class="num">${t('conc.stored')}</th><th>${t('conc.problems')}</th></tr></thead>
        <tbody>${this.runs.map(
          (r) => html`<tr><td>${fmtDateTime(r.startedAt, true)}</td><td>${label('outcome', r.outcome)}</td><td class="num">${r.readingsStored}</td><td>${r.problems.slice(0, 3).map((p) => p.message).join('; ')}</td></tr>`,
        )}
        ${this.runs.length ? nothing : html`<tr><td colspan="4" class="muted">${t('conc.runsEmpty')}</td></tr>`}</tbody>
      </table>`;
  }

  override render() {
    const all = !this.buildingId;
    const cols = all ? 6 : 5;
    const building = (id: string) => this.buildings.find((b) => b.id === id)?.name ?? '';
    return html`
      <div class="toolbar">
        <span class="grow"></span>
        ${this.manager ? html`<button class="primary" @click=${() => (this.editing === 'new' ? (this.editing = null) : this.startEdit('new'))}>${t('conc.add')}</button>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.form()}
      ${!this.open && this.message ? html`<div role="status">${this.message}</div>` : nothing}
      <div class="table-wrap">
        <table aria-label=${t('conc.title')}>
          <thead><tr>${all ? html`<th>${t('conc.building')}</th>` : nothing}<th>${t('conc.name')}</th><th>${t('conc.type')}</th><th>${t('conc.driver')}</th><th>${t('conc.host')}</th><th>${t('conc.state')}</th></tr></thead>
          <tbody>
            ${this.list.map(
              (c) => html`<tr>
                  ${all ? html`<td><a href="/buildings/${c.buildingId}">${building(c.buildingId)}</a></td>` : nothing}
                  <td><button class="name" aria-expanded=${this.open === c.id} @click=${() => this.show(c)}>${c.name || c.type}</button></td>
                  <td>${this.types.find((x) => x.id === c.type)?.label ?? c.type}</td>
                  <td>${this.drivers.find((d) => d.id === c.driverId)?.label ?? c.driverId}</td>
                  <td>${c.host ?? ''}${c.port ? `:${c.port}` : ''}</td>
                  <td class=${c.enabled ? '' : 'muted'}>${t(c.enabled ? 'conc.enabled' : 'conc.disabled')}</td>
                </tr>
                ${this.open === c.id ? html`<tr><td class="details" colspan=${cols}>${this.details(c)}</td></tr>` : nothing}`,
            )}
            ${this.list.length ? nothing : html`<tr><td colspan=${cols} class="muted">${t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }
}
