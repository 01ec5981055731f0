import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, type Me } from '../../api.js';
import { fmtDate, t, type TextKey } from '../../i18n.js';
import { formBody } from '../../forms.js';
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
}
interface DeviceType {
  id: string;
  labelText: string;
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

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  override updated(changed: Map<string, unknown>) {
    if (changed.has('premiseId') && changed.get('premiseId') !== undefined) void this.load();
  }

  private async load() {
    await this.attempt(async () => {
      this.premise = await api<Premise>('GET', `/api/premises/${this.premiseId}`);
      this.meters = (await api<{ items: MeterView[] }>('GET', `/api/premises/${this.premiseId}/meters`)).items;
      this.buildingName = this.premise.buildingId ? (await api<{ name: string }>('GET', `/api/buildings/${this.premise.buildingId}`)).name : '';
    });
  }

  private async openAdd() {
    this.adding = !this.adding;
    if (this.adding && !this.types.length) this.types = (await api<{ items: DeviceType[] }>('GET', '/api/device-types')).items;
  }



  private async save(e: Event) {
    e.preventDefault();
    const body: Record<string, unknown> = formBody(e.target as HTMLFormElement);
    for (const k of ['floor', 'entrance']) if (body[k] !== undefined) body[k] = Number(body[k]);
    await this.attempt(async () => {
      this.premise = await api<Premise>('PATCH', `/api/premises/${this.premiseId}`, body);
      this.editing = false;
    });
  }

  private async addMeter(e: Event) {
    e.preventDefault();
    await this.attempt(async () => {
      await api('POST', '/api/meters', { ...formBody(e.target as HTMLFormElement), premiseId: this.premiseId });
      this.adding = false;
      await this.load();
    });
  }

  override render() {
    const p = this.premise;
    if (!p) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<span class="muted">${t('common.loading')}</span>`;
    const manager = this.me.role !== 'operator';
    return html`
      <h2>${p.number}</h2>
      <div class="sub">${p.buildingId ? html`<a href="/buildings/${p.buildingId}">${this.buildingName}</a>` : nothing}</div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="card">
        ${this.editing
          ? html`<form class="grid" @submit=${this.save}>
              <label>${t('premise.number')}<span class="req">*</span><input name="number" required .value=${p.number} /></label>
              <label>${t('premise.area')}<span class="req">*</span><input name="area" required .value=${p.area} /></label>
              <label>${t('premise.floor')}<input name="floor" type="number" .value=${p.floor === null ? '' : String(p.floor)} /></label>
              <label>${t('premise.entrance')}<input name="entrance" type="number" .value=${p.entrance === null ? '' : String(p.entrance)} /></label>
              <label>${t('premise.accountNumber')}<input name="accountNumber" .value=${p.accountNumber ?? ''} /></label>
              <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.editing = false)}>${t('common.cancel')}</button></div>
            </form>`
          : html`<dl class="info">
                <dt>${t('premise.kind')}</dt><dd>${t(`premise.kind.${p.kind}` as TextKey)}</dd>
                <dt>${t('premise.area')}</dt><dd>${p.area}</dd>
                <dt>${t('premise.floor')}</dt><dd>${p.floor ?? '—'}</dd>
                <dt>${t('premise.entrance')}</dt><dd>${p.entrance ?? '—'}</dd>
                <dt>${t('premise.accountNumber')}</dt><dd>${p.accountNumber ?? '—'}</dd>
              </dl>
              ${manager ? html`<div class="actions"><button @click=${() => (this.editing = true)}>${t('common.edit')}</button></div>` : nothing}`}
      </div>
      <div class="toolbar">
        <strong class="grow">${t('premise.meters')}</strong>
        ${manager ? html`<amr-attach-free label=${t('premise.attachMeter')} listUrl="/api/meters?free=true&limit=500" .attachUrl=${(id: string) => `/api/meters/${id}/premise`} .body=${{ premiseId: this.premiseId }} .text=${(m: Record<string, unknown>) => String(m.serial)} @amr-attached=${() => this.load()}></amr-attach-free><button class="primary" @click=${this.openAdd}>${t('common.add')}</button>` : nothing}
      </div>
      ${this.adding
        ? html`<form class="card grid" aria-label=${t('meter.new')} @submit=${this.addMeter}>
            <label>${t('meter.serial')}<span class="req">*</span><input name="serial" required /></label>
            <label>${t('meter.type')}<span class="req">*</span
              ><select name="deviceTypeId" required>
                ${this.types.map((d) => html`<option value=${d.id}>${d.labelText}</option>`)}
              </select></label
            >
            <label>${t('meter.installedOn')}<input name="installedOn" type="date" /></label>
            <div class="actions"><button class="primary" type="submit">${t('common.save')}</button><button type="button" @click=${() => (this.adding = false)}>${t('common.cancel')}</button></div>
          </form>`
        : nothing}
      <div class="table-wrap">
        <table aria-label=${t('premise.meters')}>
          <thead>
            <tr>
              <th>${t('meter.serial')}</th><th>${t('meter.type')}</th><th>${t('meter.installedOn')}</th><th>${t('meter.decommissionedOn')}</th>
              <th>${t('meter.radiator')}</th><th class="num">${t('meter.coefficient')}</th><th>${t('meter.lastReading')}</th><th>${t('meter.state')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.meters.map(
              (m) => html`<tr>
                <td><a class="serial state-${m.state}" href="/meters/${m.id}">${m.serial}</a></td>
                <td>${m.deviceTypeLabel ?? m.deviceTypeId}</td>
                <td>${fmtDate(m.installedOn)}</td>
                <td>${fmtDate(m.decommissionedOn)}</td>
                <td>${m.radiatorModel ?? ''}</td>
                <td class="num">${m.radiatorCoefficient ?? ''}</td>
                <td>${m.lastReading ? `${m.lastReading.value} ${m.lastReading.unit ?? ''} (${fmtDate(m.lastReading.date)})` : ''}</td>
                <td class="state-${m.state}">${t(`state.${m.state}` as TextKey)}</td>
              </tr>`,
            )}
            ${this.meters.length ? nothing : html`<tr><td colspan="8" class="muted">${t('common.none')}</td></tr>`}
          </tbody>
        </table>
      </div>
    `;
  }
}
