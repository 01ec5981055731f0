import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, upload, type Me } from '../../api.js';
import { lang, t, type TextKey } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface DeviceType {
  id: string;
  labelText: string;
  kind: string;
  pluginId: string;
  quantities: Array<{ key: string; unit: string; label?: { ru: string; en: string } }>;
}
interface Radiator {
  id: string;
  model: string;
  manufacturer: string | null;
  type: string | null;
  height: number | null;
  width: number | null;
  coefficient: string;
}

/** «Справочники» (F13): the device types the plugins bring, and the radiator catalogue with search and import. */
export class AmrReference extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @state() private tab: 'types' | 'radiators' = 'types';
  @state() private types: DeviceType[] = [];
  @state() private radiators: Radiator[] = [];
  @state() private q = '';
  @state() private notice = '';
  @state() private loading = true;
  private timer?: number;

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  private async load() {
    this.loading = true;
    await this.attempt(async () => {
      if (this.tab === 'types') this.types = (await api<{ items: DeviceType[] }>('GET', '/api/device-types')).items;
      else this.radiators = (await api<{ items: Radiator[] }>('GET', `/api/radiators?limit=1000${this.q ? `&q=${encodeURIComponent(this.q)}` : ''}`)).items;
    });
    this.loading = false;
  }

  private empty(columns: number) {
    return html`<tr><td colspan=${columns} class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`;
  }

  private async importFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const r = await upload<{ created: number; updated: number; unchanged?: number }>('/api/radiators/import', file);
      this.notice = `${t('ref.imported')}: +${r.created}, ~${r.updated}`;
      this.error = '';
      await this.load();
    } catch (err) {
      this.notice = '';
      this.error = (err as Error).message;
    }
  }

  override render() {
    return html`
      <div class="tabs" role="tablist">
        ${(['types', 'radiators'] as const).map(
          (tab) => html`<button role="tab" aria-selected=${this.tab === tab} @click=${() => ((this.tab = tab), this.load())}>${t(tab === 'types' ? 'ref.deviceTypes' : 'ref.radiators')}</button>`,
        )}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="card" role="status">${this.notice}</div>` : nothing}
      ${this.tab === 'types'
        ? html`<div class="table-wrap"><table aria-label=${t('ref.deviceTypes')}>
            <thead><tr><th>${t('meter.type')}</th><th>${t('ref.kind')}</th><th>${t('ref.quantities')}</th><th>${t('ref.plugin')}</th></tr></thead>
            <tbody>
              ${this.types.map(
                (d) => html`<tr>
                  <td>${d.labelText}<div class="muted">${d.id}</div></td>
                  <td>${t(`kind.${d.kind}` as TextKey)}</td>
                  <td>${d.quantities.map((q) => `${q.label?.[lang()] ?? q.key}, ${q.unit}`).join('; ')}</td>
                  <td>${d.pluginId}</td>
                </tr>`,
              )}
              ${this.types.length ? nothing : this.empty(4)}
            </tbody>
          </table></div>`
        : html`<div class="toolbar">
              <input class="grow" type="search" .value=${this.q} placeholder=${t('ref.filter')} aria-label=${t('ref.filter')}
                @input=${(e: Event) => {
                  this.q = (e.target as HTMLInputElement).value;
                  clearTimeout(this.timer);
                  this.timer = window.setTimeout(() => void this.load(), 250);
                }} />
              ${this.me.role !== 'operator'
                ? html`<label class="button"><button type="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>${t('ref.import')}</button
                    ><input type="file" accept=".csv,.xlsx,text/csv" hidden aria-label=${t('ref.import')} @change=${this.importFile} /></label>`
                : nothing}
            </div>
            <div class="table-wrap"><table aria-label=${t('ref.radiators')}>
              <thead><tr><th>${t('ref.model')}</th><th>${t('ref.manufacturer')}</th><th>${t('ref.type')}</th><th class="num">${t('ref.height')}</th><th class="num">${t('ref.width')}</th><th class="num">${t('ref.coefficient')}</th></tr></thead>
              <tbody>
                ${this.radiators.map((r) => html`<tr><td>${r.model}</td><td>${r.manufacturer ?? ''}</td><td>${r.type ?? ''}</td><td class="num">${r.height ?? ''}</td><td class="num">${r.width ?? ''}</td><td class="num">${r.coefficient}</td></tr>`)}
                ${this.radiators.length ? nothing : this.empty(6)}
              </tbody>
            </table></div>`}
    `;
  }
}
