import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { fmtDate, t, type TextKey } from '../../i18n.js';
import { dayInput, liveValidate } from '../../forms.js';
import type { AmrAttachFree } from '../amr-attach-free/amr-attach-free.component.js';
import { AmrElement } from '../amr-element.js';
import '../amr-attach-free/amr-attach-free.js';
import { shared } from '../shared-styles.js';

interface Premise {
  id: string;
  buildingId: string | null;
  number: string;
  floor: number | null;
  entrance: number | null;
  area: string;
  accountNumber: string | null;
  acceptanceDate: string | null;
  kind: 'residential' | 'non-residential';
}
export interface MeterView {
  id: string;
  serial: string;
  deviceTypeId: string;
  deviceTypeLabel: string | null;
  kind: string;
  premiseId: string | null;
  premiseNumber: string | null;
  buildingId: string | null;
  buildingName: string | null;
  installedOn: string | null;
  decommissionedOn: string | null;
  radiatorId: string | null;
  radiatorModel: string | null;
  radiatorCoefficient: string | null;
  waterMedium: 'hot' | 'cold' | null;
  state: string;
  lastReading: { date: string; value: string; unit: string | null } | null;
  errorCode: string | null;
  errorDate: string | null;
  errorDescription: string | null;
}
interface DeviceType {
  id: string;
  labelText: string;
}

/** The premise's heading as the manual writes it: «Кв.12» for a bare number, the number itself otherwise. */
export function premiseTitle(number: string): string {
  return /^\d/.test(number) ? `${t('premise.title')}${number}` : number;
}

/** «Карточка квартиры» (F10, F11): the premise, its meters with the manual's columns, a new meter attached to it. */
export class AmrPremiseCard extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @property() premiseId = '';
  @state() private premise?: Premise;
  @state() private meters: MeterView[] = [];
  @state() private types: DeviceType[] = [];
  @state() private buildingName = '';
  @state() private editing = false;
  @state() private adding = false;
  @state() private creatingFree = false;
  @state() private loadingMeters = true;
  @state() private notice = '';
  @query('amr-attach-free') private attachFree?: AmrAttachFree;

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('premiseId') && changed.get('premiseId') !== undefined) void this.load();
  }

  private async load() {
    this.loadingMeters = true;
    await this.attempt(async () => {
      this.premise = await api<Premise>('GET', `/api/premises/${this.premiseId}`);
      this.emit('amr-title', premiseTitle(this.premise.number));
      this.meters = (await api<{ items: MeterView[] }>('GET', `/api/premises/${this.premiseId}/meters?limit=1000`)).items;
      this.buildingName = this.premise.buildingId ? (await api<{ name: string }>('GET', `/api/buildings/${this.premise.buildingId}`)).name : '';
    });
    this.loadingMeters = false;
  }

  private async loadTypes() {
    if (!this.types.length) this.types = (await api<{ items: DeviceType[] }>('GET', '/api/device-types')).items;
  }

  private async openAdd() {
    this.adding = !this.adding;
    this.creatingFree = false;
    if (this.adding) await this.attempt(() => this.loadTypes());
  }

  private async openCreateFree() {
    this.creatingFree = !this.creatingFree;
    this.adding = false;
    if (this.creatingFree) await this.attempt(() => this.loadTypes());
  }

  /** The manual's way (F11): create the meter free, then attach it — the attach list opens with it chosen. */
  private createFree(e: Event) {
    return this.submitForm(e, async (body) => {
      const meter = await api<{ id: string }>('POST', '/api/meters', body);
      this.creatingFree = false;
      this.notice = t('meter.createdFree');
      await this.attachFree?.open(meter.id);
    });
  }

  private async detach() {
    await this.attempt(async () => {
      this.premise = await api<Premise>('PUT', `/api/premises/${this.premiseId}/building`, { buildingId: null });
      this.buildingName = '';
    });
  }


  private save(e: Event) {
    return this.submitForm(e, async (fields) => {
      // Emptied fields are cleared, not left as they were.
      const body: Record<string, unknown> = { floor: null, entrance: null, accountNumber: null, acceptanceDate: null, ...fields };
      for (const k of ['floor', 'entrance']) if (body[k] !== null) body[k] = Number(body[k]);
      this.premise = await api<Premise>('PATCH', `/api/premises/${this.premiseId}`, body);
      this.emit('amr-title', premiseTitle(this.premise.number));
      this.editing = false;
    });
  }

  private addMeter(e: Event) {
    return this.submitForm(e, async (body) => {
      await api('POST', '/api/meters', { ...body, premiseId: this.premiseId });
      this.adding = false;
      await this.load();
    });
  }

  private meterForm(label: string, submit: (e: Event) => unknown, close: () => void) {
    return html`<form class="card grid" aria-label=${label} novalidate @submit=${submit} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
      <label>${t('meter.serial')}<span class="req">*</span><input name="serial" required maxlength="64" /></label>
      <label>${t('meter.type')}<span class="req">*</span
        ><select name="deviceTypeId" required>
          ${this.types.map((d) => html`<option value=${d.id}>${d.labelText}</option>`)}
        </select></label
      >
      <label>${t('meter.installedOn')}${dayInput('installedOn')}</label>
      <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${close}>${t('common.cancel')}</button></div>
    </form>`;
  }

  private meterRows() {
    if (!this.meters.length) return html`<tr><td colspan="9" class="muted">${this.loadingMeters ? t('common.loading') : t('common.none')}</td></tr>`;
    return this.meters.map(
      (m) => html`<tr>
        <td>${m.deviceTypeLabel ?? m.deviceTypeId}</td>
        <td><a class="serial state-${m.state}" href="/meters/${m.id}" title=${t(`state.${m.state}` as TextKey)}>${m.serial}</a></td>
        <td>${fmtDate(m.installedOn)}</td>
        <td>${fmtDate(m.decommissionedOn)}</td>
        <td class="num">${m.lastReading?.value != null ? `${m.lastReading.value} ${m.lastReading.unit ?? ''}` : ''}</td>
        <td>${fmtDate(m.lastReading?.date)}</td>
        <td>${fmtDate(m.errorDate)}</td>
        <td class=${m.errorCode ? 'state-error' : ''}>${m.errorCode ? `${m.errorCode}${m.errorDescription ? ` — ${m.errorDescription}` : ''}` : ''}</td>
        <td>${m.radiatorModel ? `${m.radiatorModel} (k = ${m.radiatorCoefficient})` : ''}</td>
      </tr>`,
    );
  }

  override render() {
    const p = this.premise;
    if (!p) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<span class="muted">${t('common.loading')}</span>`;
    const manager = this.me.role !== 'operator';
    return html`
      <h1>${premiseTitle(p.number)}</h1>
      <div class="sub">${p.buildingId ? html`<a href="/buildings/${p.buildingId}">${this.buildingName}</a>` : t('premise.free')}</div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      <div class="card">
        ${this.editing
          ? html`<form class="grid" aria-label=${t('common.edit')} novalidate @submit=${this.save} @input=${liveValidate} @change=${liveValidate} @focusout=${liveValidate}>
              <label>${t('premise.number')}<span class="req">*</span><input name="number" required maxlength="50" .value=${p.number} /></label>
              <label>${t('premise.area')}<span class="req">*</span><input name="area" required inputmode="decimal" pattern="\\d+([.]\\d+)?" .value=${p.area} /></label>
              <label>${t('premise.kind')}<span class="req">*</span
                ><select name="kind" required>
                  ${(['residential', 'non-residential'] as const).map((k) => html`<option value=${k} ?selected=${p.kind === k}>${t(`premise.kind.${k}`)}</option>`)}
                </select></label
              >
              <label>${t('premise.floor')}<input name="floor" type="number" min="-10" max="300" step="1" .value=${p.floor === null ? '' : String(p.floor)} /></label>
              <label>${t('premise.entrance')}<input name="entrance" type="number" min="0" max="100" step="1" .value=${p.entrance === null ? '' : String(p.entrance)} /></label>
              <label>${t('premise.accountNumber')}<input name="accountNumber" .value=${p.accountNumber ?? ''} /></label>
              <label>${t('premise.acceptanceDate')}${dayInput('acceptanceDate', p.acceptanceDate)}</label>
              <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = false)}>${t('common.cancel')}</button></div>
            </form>`
          : html`<dl class="info">
                <dt>${t('premise.kind')}</dt><dd>${t(`premise.kind.${p.kind}` as TextKey)}</dd>
                <dt>${t('premise.area')}</dt><dd>${p.area}</dd>
                <dt>${t('premise.floor')}</dt><dd>${p.floor ?? '—'}</dd>
                <dt>${t('premise.entrance')}</dt><dd>${p.entrance ?? '—'}</dd>
                <dt>${t('premise.accountNumber')}</dt><dd>${p.accountNumber || '—'}</dd>
                <dt>${t('premise.acceptanceDate')}</dt><dd>${fmtDate(p.acceptanceDate) || '—'}</dd>
              </dl>
              ${manager
                ? html`<div class="actions">
                    <button @click=${() => (this.editing = true)}>${t('common.edit')}</button>
                    ${p.buildingId ? html`<button @click=${this.detach}>${t('premise.detach')}</button>` : nothing}
                  </div>`
                : nothing}`}
      </div>
      <div class="toolbar">
        <strong class="grow">${t('premise.meters')}</strong>
        ${manager
          ? html`<button @click=${this.openCreateFree}>${t('meter.newFree')}</button>
              <amr-attach-free label=${t('premise.attachMeter')} listUrl="/api/meters?free=true&limit=500" .attachUrl=${(id: string) => `/api/meters/${id}/premise`} .body=${{ premiseId: this.premiseId }} .text=${(m: Record<string, unknown>) => String(m.serial)} @amr-attached=${() => ((this.notice = ''), this.load())}></amr-attach-free>
              <button class="primary" @click=${this.openAdd}>${t('common.add')}</button>`
          : nothing}
      </div>
      ${this.adding ? this.meterForm(t('meter.new'), (e) => this.addMeter(e), () => (this.adding = false)) : nothing}
      ${this.creatingFree ? this.meterForm(t('meter.newFree'), (e) => this.createFree(e), () => (this.creatingFree = false)) : nothing}
      <div class="table-wrap">
        <table class="dense" aria-label=${t('premise.meters')}>
          <thead>
            <tr>
              <th>${t('meter.type')}</th><th>${t('meter.serial')}</th><th>${t('meter.installedOn')}</th><th>${t('meter.decommissionedOn')}</th>
              <th class="num">${t('meter.lastReading')}</th><th>${t('meter.readingDate')}</th><th>${t('meter.errorDate')}</th><th>${t('meter.errorCode')}</th><th>${t('meter.radiator')}</th>
            </tr>
          </thead>
          <tbody>${this.meterRows()}</tbody>
        </table>
      </div>
    `;
  }
}
