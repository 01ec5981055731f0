import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { navigate } from '../../router.js';
import { fmtDate, lang, t, type TextKey } from '../../i18n.js';
import { dayInput, liveValidate } from '../../forms.js';
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


type Point = { date: string; value: string | null };

/** Readings oldest first, without the ones that carry no value (an error report alone). */
function ascending(readings: Point[]): Array<{ date: string; value: number }> {
  return [...readings].filter((r) => r.value !== null).map((r) => ({ date: r.date, value: Number(r.value) })).sort((a, b) => a.date.localeCompare(b.date));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Consumption per month from readings (any order): the growth of the value from the
 * month's first reading to the next month's first; labels are `YYYY-MM`.
 */
export function monthlyConsumption(readings: Point[]): { labels: string[]; values: number[] } {
  const firstOfMonth = new Map<string, number>();
  for (const r of ascending(readings)) if (!firstOfMonth.has(r.date.slice(0, 7))) firstOfMonth.set(r.date.slice(0, 7), r.value);
  const months = [...firstOfMonth.keys()];
  const labels: string[] = [];
  const values: number[] = [];
  for (let i = 0; i + 1 < months.length; i++) {
    labels.push(months[i]!);
    values.push(round(firstOfMonth.get(months[i + 1]!)! - firstOfMonth.get(months[i]!)!));
  }
  return { labels, values };
}

/** Consumption per day: the growth from one reading's day to the next one's, labelled with the later day (`YYYY-MM-DD`). */
export function dailyConsumption(readings: Point[]): { labels: string[]; values: number[] } {
  const lastOfDay = new Map<string, number>();
  for (const r of ascending(readings)) lastOfDay.set(r.date.slice(0, 10), r.value);
  const days = [...lastOfDay.keys()];
  const labels: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < days.length; i++) {
    labels.push(days[i]!);
    values.push(round(lastOfDay.get(days[i]!)! - lastOfDay.get(days[i - 1]!)!));
  }
  return { labels, values };
}

/** A month `YYYY-MM` as the interface's language writes it: «янв. 2024», "Jan 2024". */
export function fmtMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(lang() === 'ru' ? 'ru-RU' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, 1)));
}

const SOURCES = ['manual', 'file', 'poll', 'push', 'legacy', 'demo'] as const;

/** Where a reading came from, in words (ручной ввод, файл, опрос концентратора…). */
export function sourceText(source: string): string {
  return (SOURCES as readonly string[]).includes(source) ? t(`source.${source}` as TextKey) : source;
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
  @state() private loadingReadings = true;
  @state() private period: 'day' | 'month' = 'month';
  /** The device type's error texts by code (F12: a code is shown with what it means). */
  @state() private errorTexts: Record<string, { ru: string; en: string }> = {};

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('meterId') && changed.get('meterId') !== undefined) void this.load();
  }

  private async load() {
    this.loadingReadings = true;
    await this.attempt(async () => {
      const meter = await api<NonNullable<AmrMeterCard['meter']>>('GET', `/api/meters/${this.meterId}`);
      if (meter.deviceTypeId !== this.meter?.deviceTypeId) {
        const type = await api<{ errorCodes?: Record<string, { ru: string; en: string }> }>('GET', `/api/device-types/${encodeURIComponent(meter.deviceTypeId)}`).catch(() => ({ errorCodes: {} }));
        this.errorTexts = type.errorCodes ?? {};
      }
      this.meter = meter;
      this.emit('amr-title', meter.serial);
      this.readings = (await api<{ items: Reading[] }>('GET', `/api/meters/${this.meterId}/readings?limit=1000`)).items;
      this.radiators = meter.kind === 'heat-cost-allocator' ? (await api<{ items: RadiatorPeriod[] }>('GET', `/api/meters/${this.meterId}/radiators`)).items : [];
    });
    this.loadingReadings = false;
  }

  /** An error code with its meaning for this device type: «E3 — Вскрытие корпуса». */
  private errorText(code: string | null): string {
    if (!code) return '';
    const text = this.errorTexts[code]?.[lang()];
    return text ? `${code} — ${text}` : code;
  }

  private save(e: Event) {
    return this.submitForm(e, async (body) => {
      await api('PATCH', `/api/meters/${this.meterId}`, { installedOn: body.installedOn ?? null, decommissionedOn: body.decommissionedOn ?? null });
      this.editing = false;
      await this.load();
    });
  }

  private addReading(e: Event) {
    return this.submitForm(e, async (body) => {
      await api('POST', `/api/meters/${this.meterId}/readings`, body);
      this.adding = false;
      await this.load();
    });
  }

  private replace(e: Event) {
    return this.submitForm(e, async (f) => {
      const body: Record<string, unknown> = { date: f.date, newMeter: { serial: f.serial, ...(f.initialValue ? { initialValue: f.initialValue } : {}) } };
      if (f.finalValue) body.finalValue = f.finalValue;
      const r = await api<{ new: { id: string } }>('POST', `/api/meters/${this.meterId}/replace`, body);
      this.replacing = false;
      navigate(`/meters/${r.new.id}`);
    });
  }

  private async openRadiator() {
    this.changingRadiator = !this.changingRadiator;
    if (this.changingRadiator && !this.catalogue.length) this.catalogue = (await api<{ items: Array<{ id: string; model: string; coefficient: string }> }>('GET', '/api/radiators?limit=1000')).items;
  }

  private changeRadiator(e: Event) {
    return this.submitForm(e, async (body) => {
      await api('POST', `/api/meters/${this.meterId}/radiators`, body);
      this.changingRadiator = false;
      await this.load();
    });
  }

  private chartCard() {
    const daily = this.period === 'day';
    const data = daily ? dailyConsumption(this.readings) : monthlyConsumption(this.readings);
    if (!dailyConsumption(this.readings).values.length) return nothing;
    const title = daily ? t('chart.perDay') : t('meter.chart');
    return html`<div class="card">
      <div class="card-head">
        <strong>${title}</strong>
        <div class="segmented" role="group" aria-label=${t('chart.period')}>
          ${(['day', 'month'] as const).map((p) => html`<button type="button" aria-pressed=${this.period === p} @click=${() => (this.period = p)}>${t(p === 'day' ? 'chart.day' : 'chart.month')}</button>`)}
        </div>
      </div>
      ${data.values.length
        ? html`<amr-chart .labels=${data.labels.map((l) => (daily ? fmtDate(l) : fmtMonth(l)))} .values=${data.values} label=${title}></amr-chart>`
        : html`<div class="muted">${t('common.none')}</div>`}
    </div>`;
  }

  override render() {
    const m = this.meter;
    if (!m) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<span class="muted">${t('common.loading')}</span>`;
    const manager = this.me.role !== 'operator';
    return html`
      <h1 class="state-${m.state}" title=${t(`state.${m.state}` as TextKey)}>${m.serial}</h1>
      <div class="sub">
        ${m.buildingId ? html`<a href="/buildings/${m.buildingId}">${m.buildingName}</a>` : nothing}
        ${m.premiseId ? html` · <a href="/premises/${m.premiseId}">${m.premiseNumber}</a>` : nothing}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="card">
        ${this.editing
          ? html`<form class="grid" aria-label=${t('common.edit')} @submit=${this.save} novalidate @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
              <label>${t('meter.installedOn')}${dayInput('installedOn', m.installedOn)}</label>
              <label>${t('meter.decommissionedOn')}${dayInput('decommissionedOn', m.decommissionedOn)}</label>
              <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = false)}>${t('common.cancel')}</button></div>
            </form>`
          : html`<dl class="info">
                <dt>${t('meter.type')}</dt><dd>${m.deviceTypeLabel ?? m.deviceTypeId}</dd>
                <dt>${t('meter.state')}</dt><dd class="state-${m.state}">${t(`state.${m.state}` as TextKey)}</dd>
                <dt>${t('meter.installedOn')}</dt><dd>${fmtDate(m.installedOn) || '—'}</dd>
                <dt>${t('meter.decommissionedOn')}</dt><dd>${fmtDate(m.decommissionedOn) || '—'}</dd>
                ${m.errorCode ? html`<dt>${t('meter.errorDate')}</dt><dd>${fmtDate(m.errorDate)}</dd><dt>${t('meter.errorCode')}</dt><dd class="state-error">${m.errorDescription ? `${m.errorCode} — ${m.errorDescription}` : this.errorText(m.errorCode)}</dd>` : nothing}
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
        ? html`<form class="card grid" aria-label=${t('meter.replace')} @submit=${this.replace} novalidate @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            <label>${t('meter.replaceDate')}<span class="req">*</span>${dayInput('date', '', true)}</label>
            <label>${t('meter.finalValue')}<input name="finalValue" inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <label>${t('meter.newSerial')}<span class="req">*</span><input name="serial" required /></label>
            <label>${t('meter.initialValue')}<input name="initialValue" inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.replacing = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      ${this.changingRadiator
        ? html`<form class="card grid" aria-label=${t('meter.changeRadiator')} @submit=${this.changeRadiator} novalidate @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            <label>${t('meter.radiator')}<span class="req">*</span><select name="radiatorId" required>${this.catalogue.map((r) => html`<option value=${r.id}>${r.model} (k = ${r.coefficient})</option>`)}</select></label>
            <label>${t('meter.radiatorFrom')}<span class="req">*</span>${dayInput('from', '', true)}</label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.changingRadiator = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      ${this.radiators.length
        ? html`<div class="card"><div class="card-head"><strong>${t('meter.radiatorHistory')}</strong></div><table aria-label=${t('meter.radiatorHistory')}>
            <thead><tr><th>${t('meter.radiator')}</th><th class="num">${t('meter.coefficient')}</th><th>${t('meter.installedOn')}</th><th>${t('meter.decommissionedOn')}</th></tr></thead>
            <tbody>${this.radiators.map((r) => html`<tr><td>${r.model}</td><td class="num">${r.coefficient}</td><td>${fmtDate(r.from)}</td><td>${fmtDate(r.to)}</td></tr>`)}</tbody>
          </table></div>`
        : nothing}
      ${m.currentValues?.length
        ? html`<div class="card"><strong>${t('meter.current')}</strong>
            <dl class="info">${m.currentValues.map((v) => html`<dt>${v.label}</dt><dd>${v.value} ${v.unit} <span class="muted">(${fmtDate(v.date)})</span></dd>`)}</dl></div>`
        : nothing}
      ${this.chartCard()}
      <div class="toolbar">
        <strong class="grow">${t('meter.readings')}</strong>
        ${manager ? html`<button class="primary" @click=${() => (this.adding = !this.adding)}>${t('meter.addReading')}</button>` : nothing}
      </div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('meter.addReading')} @submit=${this.addReading} novalidate @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
            <label>${t('reading.date')}<span class="req">*</span>${dayInput('date', '', true)}</label>
            <label>${t('reading.value')}<span class="req">*</span><input name="value" required inputmode="decimal" pattern="\\d+([.]\\d+)?" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${t('meter.readings')}>
          <thead><tr><th>${t('reading.date')}</th><th class="num">${t('reading.value')}</th><th>${t('reading.unit')}</th><th>${t('reading.error')}</th><th>${t('reading.source')}</th></tr></thead>
          <tbody>
            ${this.readings.map((r) => html`<tr><td>${fmtDate(r.date)}</td><td class="num">${r.value ?? ''}</td><td>${r.unit ?? ''}</td><td class=${r.errorCode ? 'state-error' : ''}>${this.errorText(r.errorCode)}</td><td>${sourceText(r.source)}</td></tr>`)}
            ${this.readings.length ? nothing : html`<tr><td colspan="5" class="muted">${this.loadingReadings ? t('common.loading') : t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }
}
