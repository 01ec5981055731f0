import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, upload } from '../../api.js';
import { t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface DryRun {
  id: string;
  fileName: string;
  status: string;
  readings: number;
  new: number;
  existing: number;
  errors: Array<{ code: string; message: string; line?: number; column?: number; meterSerial?: string }>;
  message: string;
}

/**
 * «Импорт показаний» (F18) of the building card: upload a file, read its dry run (what would
 * be stored, what is already there, errors with their lines), then store it — all or
 * nothing, or the valid rows with the bad ones skipped. «Сгенерировать файл для РМ» (F04).
 */
export class AmrImport extends AmrElement {
  static override styles = shared;

  @property() buildingId = '';
  @state() private dry: DryRun | null = null;
  @state() private result = '';
  @state() private progress = 0;

  private async choose(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.result = '';
    this.error = '';
    this.progress = 1;
    try {
      this.dry = await upload<DryRun>('/api/imports', file, { buildingId: this.buildingId });
    } catch (err) {
      this.dry = null;
      this.error = (err as Error).message;
    } finally {
      this.progress = 0;
    }
  }

  private async commit(e: Event) {
    e.preventDefault();
    const skipBad = new FormData(e.target as HTMLFormElement).get('skipBad') === 'on';
    await this.attempt(async () => {
      const r = await api<{ message: string }>('POST', `/api/imports/${this.dry!.id}/commit`, { skipBad });
      this.result = `${t('import.done')}: ${r.message}`;
      this.dry = null;
      this.dispatchEvent(new CustomEvent('amr-imported', { bubbles: true, composed: true }));
    });
  }

  override render() {
    return html`<div class="card">
      <div class="toolbar">
        <strong class="grow">${t('import.title')}</strong>
        <a href="/api/buildings/${this.buildingId}/walk-by" download>${t('walkby.download')}</a>
        <button type="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>${t('import.choose')}</button>
        <input type="file" hidden aria-label=${t('import.choose')} accept=".csv,.txt,.xlsx,.xls,.hex,text/csv" @change=${this.choose} />
      </div>
      ${this.progress ? html`<progress aria-label=${t('import.dryRun')}></progress>` : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.result ? html`<div role="status">${this.result}</div>` : nothing}
      ${this.dry
        ? html`<section aria-label=${t('import.dryRun')}>
            <div class="sub">${this.dry.fileName}: <strong>${this.dry.message}</strong></div>
            ${this.dry.errors.length
              ? html`<div class="table-wrap"><table aria-label=${t('calc.warnings')}>
                  <thead><tr><th class="num">${t('import.line')}</th><th>${t('meter.serial')}</th><th>${t('import.problem')}</th></tr></thead>
                  <tbody>${this.dry.errors.map((e) => html`<tr><td class="num">${e.line ?? ''}</td><td>${e.meterSerial ?? ''}</td><td>${e.message}</td></tr>`)}</tbody>
                </table></div>`
              : nothing}
            <form class="actions" @submit=${this.commit}>
              ${this.dry.errors.length ? html`<label><input type="checkbox" name="skipBad" /> ${t('import.skipBad')}</label>` : nothing}
              <button class="primary" type="submit">${t('import.commit')}</button>
              <button type="button" @click=${() => (this.dry = null)}>${t('common.cancel')}</button>
            </form>
          </section>`
        : nothing}
    </div>`;
  }
}
