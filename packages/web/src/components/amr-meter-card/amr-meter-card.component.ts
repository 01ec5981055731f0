import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { navigate } from '../../router.js';
import { fmtDate, t, type TextKey } from '../../i18n.js';
import { formBody } from '../../forms.js';
import { AmrElement } from '../amr-element.js';
import '../amr-chart/amr-chart.js';
import type { MeterView } from '../amr-premise-card/amr-premise-card.component.js';
import { shared } from '../shared-styles.js';

interface Reading {
  id: string;
  date: string;
  value: string | null;
  unit: string | null;
  errorCode: string | null;
  source: string;
}
interface CurrentValue {
  key: string;
  label: string;
  value: string;
  unit: string;
  date: string;
}
interface RadiatorPeriod {
  id: string;
  model: string;
  coefficient: string;
  from: string;
  to: string | null;
}


/**
 * Consumption per month from readings (newest first): the growth of the value from the
 * month's first reading to the next month's first, as numbers for the chart.
 */
export function monthlyConsumption(readings: Array<{ date: string; value: string | null }>): { labels: string[]; values: number[] } {
  const firstOfMonth = new Map<string, number>();
  for (const r of [...readings].reverse()) {
    if (r.value === null) continue;
    const month = r.date.slice(0, 7);
    if (!firstOfMonth.has(month)) firstOfMonth.set(month, Number(r.value));
  }
  const months = [...firstOfMonth.keys()].sort();
  const labels: string[] = [];
  const values: number[] = [];
  for (let i = 0; i + 1 < months.length; i++) {
    labels.push(months[i]!);
    values.push(Math.round((firstOfMonth.get(months[i + 1]!)! - firstOfMonth.get(months[i]!)!) * 1000) / 1000);
  }
  return { labels, values };
}

/** «Карточка прибора учета» (F12, F19): info and edit, radiator history, current values, readings with their source, «Добавить показание», a chart. */
export class AmrMeterCard extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @property() meterId = '';
  @state() private meter?: MeterView & { currentValues?: CurrentValue[]; notes?: string | null };
  @state() private readings: Reading[] = [];
  @state() private radiators: RadiatorPeriod[] = [];
  @state() private editing = false;
  @state() private adding = false;
  @state() private replacing = false;
  @state() private changingRadiator = false;
  @state() private catalogue: Array<{ id: string; model: string; coefficient: string }> = [];

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('meterId') && changed.get('meterId') !== undefined) void this.load();
  }

  private async load() {
    await this.attempt(async () => {
      this.meter = await api('GET', `/api/meters/${this.meterId}`);
      this.readings = (await api<{ items: Reading[] }>('GET', `/api/meters/${this.meterId}/readings?limit=400`)).items;
      this.radiators = this.meter!.kind === 'heat-cost-allocator' ? (await api<{ items: RadiatorPeriod[] }>('GET', `/api/meters/${this.meterId}/radiators`)).items : [];
    });
  }

  private async save(e: Event) {
    e.preventDefault();
    const body = formBody(e.target as HTMLFormElement);
    const patch: Record<string, unknown> = { installedOn: body.installedOn ?? null, decommissionedOn: body.decommissionedOn ?? null };
    await this.attempt(async () => {
      await api('PATCH', `/api/meters/${this.meterId}`, patch);
      this.editing = false;
      await this.load();
    });
  }

  private async addReading(e: Event) {
    e.preventDefault();
    await this.attempt(async () => {
      await api('POST', `/api/meters/${this.meterId}/readings`, formBody(e.target as HTMLFormElement));
      this.adding = false;
      await this.load();
    });
  }

  private async replace(e: Event) {
    e.preventDefault();
    const f = formBody(e.target as HTMLFormElement);
    const body: Record<string, unknown> = { date: f.date, newMeter: { serial: f.serial, ...(f.initialValue ? { initialValue: f.initialValue } : {}) } };
    if (f.finalValue) body.finalValue = f.finalValue;
    await this.attempt(async () => {
      const r = await api<{ new: { id: string } }>('POST', `/api/meters/${this.meterId}/replace`, body);
      this.replacing = false;
      navigate(`/meters/${r.new.id}`);
    });
  }

  private async openRadiator() {
    this.changingRadiator = !this.changingRadiator;
    if (this.changingRadiator && !this.catalogue.length) this.catalogue = (await api<{ items: Array<{ id: string; model: string; coefficient: string }> }>('GET', '/api/radiators?limit=1000')).items;
  }

  private async changeRadiator(e: Event) {
    e.preventDefault();
    await this.attempt(async () => {
      await api('POST', `/api/meters/${this.meterId}/radiators`, formBody(e.target as HTMLFormElement));
      this.changingRadiator = false;
      await this.load();
    });
  }

  override render() {
    const m = this.meter;
    if (!m) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<span class="muted">${t('common.loading')}</span>`;
    const manager = this.me.role !== 'operator';
    const chart = monthlyConsumption(this.readings);
    return html`
      <h2 class="state-${m.state}">${m.serial}</h2>
      <div class="sub">
        ${m.buildingId ? html`<a href="/buildings/${m.buildingId}">${m.buildingName}</a>` : nothing}
        ${m.premiseId ? html` · <a href="/premises/${m.premiseId}">${m.premiseNumber}</a>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="card">
        ${this.editing
          ? html`<form class="grid" @submit=${this.save}>
              <label>${t('meter.installedOn')}<input name="installedOn" type="date" .value=${m.installedOn ?? ''} /></label>
              <label>${t('meter.decommissionedOn')}<input name="decommissionedOn" type="date" .value=${m.decommissionedOn ?? ''} /></label>
              <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = false)}>${t('common.cancel')}</button></div>
            </form>`
          : html`<dl class="info">
                <dt>${t('meter.type')}</dt><dd>${m.deviceTypeLabel ?? m.deviceTypeId}</dd>
                <dt>${t('meter.state')}</dt><dd class="state-${m.state}">${t(`state.${m.state}` as TextKey)}</dd>
                <dt>${t('meter.installedOn')}</dt><dd>${fmtDate(m.installedOn) || '—'}</dd>
                <dt>${t('meter.decommissionedOn')}</dt><dd>${fmtDate(m.decommissionedOn) || '—'}</dd>
                ${m.radiatorModel ? html`<dt>${t('meter.radiator')}</dt><dd>${m.radiatorModel} (k = ${m.radiatorCoefficient})</dd>` : nothing}
              </dl>
              ${manager
                ? html`<div class="actions">
                    <button @click=${() => (this.editing = true)}>${t('common.edit')}</button>
                    ${m.decommissionedOn ? nothing : html`<button @click=${() => (this.replacing = !this.replacing)}>${t('meter.replace')}</button>`}
                    ${m.kind === 'heat-cost-allocator' ? html`<button @click=${this.openRadiator}>${t('meter.changeRadiator')}</button>` : nothing}
                  </div>`
                : nothing}`}
      </div>
      ${this.replacing
        ? html`<form class="card grid" aria-label=${t('meter.replace')} @submit=${this.replace}>
            <label>${t('meter.replaceDate')}<span class="req">*</span><input name="date" type="date" required /></label>
            <label>${t('meter.finalValue')}<input name="finalValue" inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <label>${t('meter.newSerial')}<span class="req">*</span><input name="serial" required /></label>
            <label>${t('meter.initialValue')}<input name="initialValue" inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.replacing = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      ${this.changingRadiator
        ? html`<form class="card grid" aria-label=${t('meter.changeRadiator')} @submit=${this.changeRadiator}>
            <label>${t('meter.radiator')}<span class="req">*</span><select name="radiatorId" required>${this.catalogue.map((r) => html`<option value=${r.id}>${r.model} (k = ${r.coefficient})</option>`)}</select></label>
            <label>${t('meter.radiatorFrom')}<span class="req">*</span><input name="from" type="date" required /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.changingRadiator = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      ${this.radiators.length
        ? html`<div class="card"><table aria-label=${t('meter.radiator')}>
            <thead><tr><th>${t('meter.radiator')}</th><th class="num">${t('meter.coefficient')}</th><th>${t('meter.installedOn')}</th><th>${t('meter.decommissionedOn')}</th></tr></thead>
            <tbody>${this.radiators.map((r) => html`<tr><td>${r.model}</td><td class="num">${r.coefficient}</td><td>${fmtDate(r.from)}</td><td>${fmtDate(r.to)}</td></tr>`)}</tbody>
          </table></div>`
        : nothing}
      ${m.currentValues?.length
        ? html`<div class="card"><strong>${t('meter.current')}</strong>
            <dl class="info">${m.currentValues.map((v) => html`<dt>${v.label}</dt><dd>${v.value} ${v.unit} <span class="muted">(${fmtDate(v.date)})</span></dd>`)}</dl></div>`
        : nothing}
      ${chart.values.length ? html`<div class="card"><strong>${t('meter.chart')}</strong><amr-chart .labels=${chart.labels} .values=${chart.values} label=${t('meter.chart')}></amr-chart></div>` : nothing}
      <div class="toolbar">
        <strong class="grow">${t('meter.readings')}</strong>
        <button class="primary" @click=${() => (this.adding = !this.adding)}>${t('meter.addReading')}</button>
      </div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('meter.addReading')} @submit=${this.addReading}>
            <label>${t('reading.date')}<span class="req">*</span><input name="date" type="date" required /></label>
            <label>${t('reading.value')}<span class="req">*</span><input name="value" required inputmode="decimal" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${t('meter.readings')}>
          <thead><tr><th>${t('reading.date')}</th><th class="num">${t('reading.value')}</th><th>${t('reading.unit')}</th><th>${t('reading.error')}</th><th>${t('reading.source')}</th></tr></thead>
          <tbody>
            ${this.readings.map((r) => html`<tr><td>${fmtDate(r.date)}</td><td class="num">${r.value ?? ''}</td><td>${r.unit ?? ''}</td><td>${r.errorCode ?? ''}</td><td>${r.source}</td></tr>`)}
            ${this.readings.length ? nothing : html`<tr><td colspan="5" class="muted">${t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }
}
