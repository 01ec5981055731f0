import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { fmtDate, t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface ReportRun {
  id: string;
  generatorId: string;
  buildingId: string | null;
  params: Record<string, unknown>;
  fileName: string;
  createdAt: string;
  createdBy: string | null;
}

/** «Архив отчетов» (F30): who generated what, when, with which parameters; download again. */
export class AmrReports extends AmrElement {
  static override styles = shared;

  @state() private runs: ReportRun[] = [];
  @state() private total = 0;
  @state() private offset = 0;
  @state() private loading = true;

  override async connectedCallback() {
    super.connectedCallback();
    await this.load();
  }

  private async load() {
    this.loading = true;
    const r = await api<{ total: number; items: ReportRun[] }>('GET', `/api/report-runs?limit=50&offset=${this.offset}`).finally(() => (this.loading = false));
    this.runs = r.items;
    this.total = r.total;
  }

  override render() {
    const when = (r: ReportRun) => r.createdAt;
    return html`
      <div class="table-wrap"><table aria-label=${t('nav.reports')}>
        <thead><tr><th>${t('reports.at')}</th><th>${t('reports.generator')}</th><th>${t('reports.params')}</th><th>${t('reports.by')}</th><th></th></tr></thead>
        <tbody>
          ${this.runs.map(
            (r) => html`<tr>
              <td>${fmtDate(when(r))} ${when(r).slice(11, 16)}</td>
              <td>${r.generatorId}</td>
              <td>${fmtDate(String(r.params.from ?? ''))} – ${fmtDate(String(r.params.to ?? ''))}${r.params.premiseIds ? ` · ${(r.params.premiseIds as unknown[]).length}` : ''}</td>
              <td>${r.createdBy ?? ''}</td>
              <td><a href="/api/report-runs/${r.id}/file" download=${r.fileName}>${t('reports.download')}</a></td>
            </tr>`,
          )}
          ${this.runs.length ? nothing : html`<tr><td colspan="5" class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`}
        </tbody>
      </table></div>
      <div class="pager">
        <span>${this.total ? `${this.offset + 1}–${Math.min(this.offset + 50, this.total)} ${t('common.of')} ${this.total}` : ''}</span>
        <button ?disabled=${this.offset === 0} @click=${() => ((this.offset = Math.max(0, this.offset - 50)), this.load())}>${t('common.prev')}</button>
        <button ?disabled=${this.offset + 50 >= this.total} @click=${() => ((this.offset += 50), this.load())}>${t('common.next')}</button>
      </div>
    `;
  }
}
