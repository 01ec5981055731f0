import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { fmtDate, t } from '../../i18n.js';
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
  settings: Record<string, unknown>;
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
  outcome: string;
  readingsStored: number;
  duplicates: number;
  problems: Array<{ message: string }>;
}

/**
 * «Домовые концентраторы» (F14, F15, F26, F27) of a building: add one (type, address,
 * access by driver, the driver's settings as a form generated from its schema), its
 * schedule with the description in words, «Проверить соединение», «Считать сейчас», and
 * its poll journal.
 */
export class AmrConcentrators extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @property() buildingId = '';
  @state() private list: Concentrator[] = [];
  @state() private types: Array<{ id: string; label: string }> = [];
  @state() private drivers: Driver[] = [];
  @state() private driverId = '';
  @state() private adding = false;
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

  override async connectedCallback() {
    super.connectedCallback();
    const kinds = await api<{ types: Array<{ id: string; label: string }>; drivers: Driver[] }>('GET', '/api/concentrator-types');
    this.types = kinds.types;
    this.drivers = kinds.drivers;
    this.driverId = kinds.drivers[0]?.id ?? '';
    const plugins = await api<{ items: Array<{ webParts: WebPart[] }> }>('GET', '/api/plugins').catch(() => ({ items: [] }));
    for (const w of plugins.items.flatMap((p) => p.webParts)) if (w.slot === 'driver-settings') this.parts.set(w.for, w);
    await this.load();
  }

  /** Mounts the selected driver's web part (imported from the plugin's served assets) in its slot. */
  override async updated() {
    const slot = this.renderRoot.querySelector<HTMLElement>('[data-slot=driver-settings]');
    const part = this.parts.get(this.driverId);
    if (!slot || !part || slot.dataset.tag === part.tagName) return;
    slot.dataset.tag = part.tagName;
    await import(/* @vite-ignore */ part.url);
    const el = document.createElement(part.tagName) as HTMLElement & { value: unknown };
    this.partValue = {};
    el.value = {};
    el.addEventListener('amr-change', (e) => (this.partValue = (e as CustomEvent<Record<string, unknown>>).detail));
    slot.replaceChildren(el);
  }

  private async load() {
    this.list = (await api<{ items: Concentrator[] }>('GET', `/api/concentrators?buildingId=${this.buildingId}&limit=200`)).items;
  }

  /** The driver's settings from the generated form: numbers and booleans typed, JSON fields parsed, empty fields left to defaults. */
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

  private async add(e: Event) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const driver = this.drivers.find((d) => d.id === this.driverId);
    await this.attempt(async () => {
      const settings = this.parts.has(this.driverId) ? this.partValue : this.settingsOf(f, driver?.settingsSchema);
      const body: Record<string, unknown> = { buildingId: this.buildingId, type: f.get('type'), driverId: this.driverId, settings };
      if (f.get('name')) body.name = f.get('name');
      if (f.get('host')) body.host = f.get('host');
      if (f.get('port')) body.port = Number(f.get('port'));
      await api('POST', '/api/concentrators', body);
      this.adding = false;
      await this.load();
    });
  }

  private async show(c: Concentrator) {
    this.open = this.open === c.id ? '' : c.id;
    this.message = '';
    // The schedule field stays disabled until the stored schedule is in, so that what the
    // operator types is never overwritten by a late answer.
    this.cronLoaded = false;
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

  private async previewCron(text: string) {
    this.cron = { ...this.cron, text };
    if (!text.trim()) return;
    try {
      const p = await api<{ description: string; nextRuns: string[] }>('GET', `/api/cron-preview?cron=${encodeURIComponent(text)}`);
      this.cron = { text, description: p.description, next: p.nextRuns };
    } catch (err) {
      this.cron = { text, description: (err as Error).message, next: [] };
    }
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
        this.message = `${run!.outcome}: ${t('conc.stored')} ${run!.readingsStored}`;
      }
    });
  }

  private field(key: string, prop: JsonSchema, required: boolean, secret: boolean) {
    const label = html`${prop.description ?? key}${required ? html`<span class="req">*</span>` : nothing}`;
    const def = prop.default === undefined ? '' : String(prop.default);
    if (prop.type === 'boolean') return html`<label class="check"><span><input type="checkbox" name="s.${key}" ?checked=${prop.default === true} /> ${label}</span></label>`;
    if (prop.type === 'array' || prop.type === 'object') return html`<label>${label}<textarea name="s.${key}" rows="2" placeholder=${prop.type === 'array' ? '[]' : '{}'} ?required=${required}></textarea></label>`;
    if (prop.enum) return html`<label>${label}<select name="s.${key}">${prop.enum.map((v) => html`<option ?selected=${String(v) === def}>${String(v)}</option>`)}</select></label>`;
    const type = secret ? 'password' : prop.type === 'integer' || prop.type === 'number' ? 'number' : 'text';
    return html`<label>${label}<input name="s.${key}" type=${type} placeholder=${def} ?required=${required} /></label>`;
  }

  override render() {
    const manager = this.me.role !== 'operator';
    const driver = this.drivers.find((d) => d.id === this.driverId);
    return html`
      <div class="toolbar">
        <span class="grow"></span>
        ${manager ? html`<button class="primary" @click=${() => (this.adding = !this.adding)}>${t('conc.add')}</button>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('conc.add')} @submit=${this.add}>
            <label>${t('conc.name')}<input name="name" /></label>
            <label>${t('conc.type')}<span class="req">*</span><select name="type" required>${this.types.map((x) => html`<option value=${x.id}>${x.label}</option>`)}</select></label>
            <label>${t('conc.driver')}<span class="req">*</span
              ><select name="driverId" .value=${this.driverId} @change=${(e: Event) => (this.driverId = (e.target as HTMLSelectElement).value)}>
                ${this.drivers.map((d) => html`<option value=${d.id} ?selected=${d.id === this.driverId}>${d.label}</option>`)}
              </select></label
            >
            <label>${t('conc.host')}<input name="host" /></label>
            <label>${t('conc.port')}<input name="port" type="number" min="1" max="65535" /></label>
            <fieldset style="grid-column: 1 / -1; border: 1px solid #e5e7eb; border-radius: 8px;">
              <legend>${t('conc.settings')}</legend>
              ${this.parts.has(this.driverId)
                ? html`<div data-slot="driver-settings"></div>`
                : html`<div class="grid" style="display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 14px;">
                    ${Object.entries(driver?.settingsSchema?.properties ?? {}).map(([k, p]) => this.field(k, p, driver?.settingsSchema?.required?.includes(k) ?? false, driver?.secretSettings.includes(k) ?? false))}
                  </div>`}
            </fieldset>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${t('conc.title')}>
          <thead><tr><th>${t('conc.name')}</th><th>${t('conc.type')}</th><th>${t('conc.driver')}</th><th>${t('conc.host')}</th></tr></thead>
          <tbody>
            ${this.list.map(
              (c) => html`<tr>
                  <td><button class="sort" @click=${() => this.show(c)}>${c.name || c.type}</button></td>
                  <td>${this.types.find((x) => x.id === c.type)?.label ?? c.type}</td>
                  <td>${this.drivers.find((d) => d.id === c.driverId)?.label ?? c.driverId}</td>
                  <td>${c.host ?? ''}${c.port ? `:${c.port}` : ''}</td>
                </tr>
                ${this.open === c.id
                  ? html`<tr><td colspan="4">
                      <div class="toolbar">
                        <label>${t('conc.schedule')} <input aria-label=${t('conc.schedule')} ?disabled=${!this.cronLoaded} .value=${this.cron.text} @input=${(e: Event) => this.previewCron((e.target as HTMLInputElement).value)} placeholder="0 3 * * *" /></label>
                        <span class="muted" aria-live="polite">${this.cron.description}${this.cron.next.length ? ` · ${this.cron.next.join(', ')}` : ''}</span>
                        ${manager ? html`<button @click=${() => this.act(c, 'schedule')}>${t('conc.saveSchedule')}</button>` : nothing}
                        <button @click=${() => this.act(c, 'check')}>${t('conc.check')}</button>
                        ${manager && this.drivers.find((d) => d.id === c.driverId)?.canScan ? html`<button @click=${() => this.act(c, 'scan')}>${t('conc.scan')}</button>` : nothing}
                        <button class="primary" @click=${() => this.act(c, 'poll')}>${t('conc.pollNow')}</button>
                      </div>
                      ${this.stats
                        ? html`<div class="sub">${t('conc.stats')
                            .replace('{a}', this.stats.successRate7d === null ? '—' : `${Math.round(this.stats.successRate7d * 100)}%`)
                            .replace('{b}', this.stats.successRate30d === null ? '—' : `${Math.round(this.stats.successRate30d * 100)}%`)
                            .replace('{c}', this.stats.readingsPerRun30d === null ? '—' : String(this.stats.readingsPerRun30d))}</div>`
                        : nothing}
                      ${this.found
                        ? html`<table aria-label=${t('conc.scan')}><tbody>${this.found.map(
                            (f) => html`<tr><td>${f.meterId ? html`<a href="/meters/${f.meterId}">${f.serial}</a>` : f.serial}</td><td>${f.description}</td><td>${f.deviceTypeId ?? ''}</td>
                              <td>${f.inRegistry ? t('conc.inRegistry') : html`<strong>${t('conc.notInRegistry')}</strong>`}${f.inSettings ? ` · ${t('conc.inSettings')}` : ''}</td></tr>`,
                          )}</tbody></table>`
                        : nothing}
                      ${this.message ? html`<div role="status">${this.message}</div>` : nothing}
                      <table aria-label=${t('conc.runs')}>
                        <thead><tr><th>${t('conc.started')}</th><th>${t('conc.outcome')}</th><th class="num">${t('conc.stored')}</th><th>${t('conc.problems')}</th></tr></thead>
                        <tbody>${this.runs.map((r) => html`<tr><td>${fmtDate(r.startedAt)} ${r.startedAt.slice(11, 19)}</td><td>${r.outcome}</td><td class="num">${r.readingsStored}</td><td>${r.problems.slice(0, 3).map((p) => p.message).join('; ')}</td></tr>`)}</tbody>
                      </table>
                    </td></tr>`
                  : nothing}`,
            )}
            ${this.list.length ? nothing : html`<tr><td colspan="4" class="muted">${t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }
}
