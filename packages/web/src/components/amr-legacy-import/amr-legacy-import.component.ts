import { css, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { api, upload } from '../../api.js';
import { t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

type Counts = { create: number; update: number; unchanged: number };
interface LegacyDiff {
  id: string;
  buildings: Counts;
  premises: Counts;
  meters: Counts;
  radiators: Counts;
  readings: { new: number; existing: number };
  errors: Array<{ sheet?: string; row?: number; message: string }>;
  /** Each row of Buildings, Premises and Meters: what the commit does to it. */
  rows?: Array<{ sheet: string; line: number; key: string; action: 'create' | 'update' | 'unchanged'; changes?: Record<string, { from: unknown; to: unknown }> }>;
}

/** «Загрузка старой базы» (F25, managers): the workbook's dry-run diff, then one commit. */
export class AmrLegacyImport extends AmrElement {
  static override styles = [shared, css`:host { margin-top: 16px; }`];

  @state() private diff: LegacyDiff | null = null;
  @state() private done = '';

  private async choose(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.done = '';
    try {
      this.diff = await upload<LegacyDiff>('/api/legacy-imports', file);
      this.error = '';
    } catch (err) {
      this.diff = null;
      this.error = (err as Error).message;
    }
  }

  private async commit() {
    await this.attempt(async () => {
      await api('POST', `/api/legacy-imports/${this.diff!.id}/commit`, {});
      this.diff = null;
      this.done = t('legacy.done');
      this.dispatchEvent(new CustomEvent('amr-imported', { bubbles: true, composed: true }));
    });
  }

  /** The rows the commit creates or updates, with each changed field (unchanged rows only counted). */
  private rowsTable(d: LegacyDiff) {
    const changing = (d.rows ?? []).filter((r) => r.action !== 'unchanged');
    const same = (d.rows ?? []).length - changing.length;
    const value = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
    return html`${changing.length
        ? html`<div class="table-wrap"><table aria-label=${t('legacy.rows')}>
            <thead><tr><th>${t('legacy.sheet')}</th><th class="num">${t('legacy.line')}</th><th>${t('legacy.key')}</th><th>${t('legacy.action')}</th><th>${t('legacy.changes')}</th></tr></thead>
            <tbody>
              ${changing.map(
                (r) => html`<tr><td>${r.sheet}</td><td class="num">${r.line}</td><td>${r.key}</td><td>${t(r.action === 'create' ? 'legacy.create' : 'legacy.update')}</td>
                  <td>${Object.entries(r.changes ?? {}).map(([k, c]) => html`<div><span class="muted">${k}:</span> <code>${value(c.from)}</code> → <code>${value(c.to)}</code></div>`)}</td></tr>`,
              )}
            </tbody>
          </table></div>`
        : nothing}
      ${same ? html`<div class="sub">${t('legacy.unchangedRows')}: ${same}</div>` : nothing}`;
  }

  override render() {
    const d = this.diff;
    const row = (label: string, c: Counts) => html`<tr><td>${label}</td><td class="num">${c.create}</td><td class="num">${c.update}</td><td class="num">${c.unchanged}</td></tr>`;
    return html`<div class="toolbar">
        <strong>${t('legacy.title')}</strong>
        <a href="/api/imports/templates/legacy.xlsx" download>${t('legacy.template')}</a>
        <button type="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>${t('legacy.choose')}</button>
        <input type="file" hidden accept=".xlsx" aria-label=${t('legacy.title')} @change=${this.choose} />
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.done ? html`<div role="status">${this.done}</div>` : nothing}
      ${d
        ? html`<section class="card" aria-label=${t('legacy.title')}>
            <table>
              <thead><tr><th></th><th class="num">${t('legacy.create')}</th><th class="num">${t('legacy.update')}</th><th class="num">${t('legacy.unchanged')}</th></tr></thead>
              <tbody>
                ${row(t('legacy.buildings'), d.buildings)} ${row(t('tab.premises'), d.premises)} ${row(t('premise.meters'), d.meters)} ${row(t('ref.radiators'), d.radiators)}
              </tbody>
            </table>
            <div class="sub">${t('meter.readings')}: ${d.readings.new} ${t('legacy.readingsNew')}, ${d.readings.existing} ${t('legacy.readingsExisting')}</div>
            ${this.rowsTable(d)}
            ${d.errors.map((e) => html`<div class="error">${e.sheet ?? ''} ${e.row ?? ''} ${e.message}</div>`)}
            <div class="actions">
              <button class="primary" ?disabled=${d.errors.length > 0} @click=${this.commit}>${t('legacy.commit')}</button>
              <button @click=${() => (this.diff = null)}>${t('common.cancel')}</button>
            </div>
          </section>`
        : nothing}`;
  }
}
