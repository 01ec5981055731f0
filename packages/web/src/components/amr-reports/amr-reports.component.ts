import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { fmtDate, lang, t } from '../../i18n.js';
import { fmtDateTime } from '../../labels.js';
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
  /** The generators' labels in the current language, by id (GET /api/reports). */
  @state() private generators = new Map<string, { ru: string; en: string }>();
  @state() private buildings = new Map<string, string>();

  override async connectedCallback() {
    super.connectedCallback();
    const [gens, buildings] = await Promise.all([
      api<{ items: Array<{ id: string; label: { ru: string; en: string } }> }>('GET', '/api/reports').catch(() => ({ items: [] })),
      api<{ items: Array<{ id: string; name: string }> }>('GET', '/api/buildings?limit=1000').catch(() => ({ items: [] })),
    ]);
    this.generators = new Map(gens.items.map((g) => [g.id, g.label]));
    this.buildings = new Map(buildings.items.map((b) => [b.id, b.name]));
    await this.load();
  }

  private async load() {
    this.loading = true;
    const r = await api<{ total: number; items: ReportRun[] }>('GET', `/api/report-runs?limit=50&offset=${this.offset}`).finally(() => (this.loading = false));
    this.runs = r.items;
    this.total = r.total;
  }

  override render() {
    const generator = (id: string) => this.generators.get(id)?.[lang()] ?? id;
    return html`
      <div class="table-wrap"><table aria-label=${t('nav.reports')}>
        <thead><tr><th>${t('reports.at')}</th><th>${t('reports.generator')}</th><th>${t('reports.building')}</th><th>${t('reports.params')}</th><th>${t('reports.by')}</th><th></th></tr></thead>
        <tbody>
          ${this.runs.map(
            (r) => html`<tr>
              <td style="white-space:nowrap">${fmtDateTime(r.createdAt)}</td>
              <td title=${r.generatorId}>${generator(r.generatorId)}</td>
              <td style="white-space:nowrap">${r.buildingId ? html`<a href="/buildings/${r.buildingId}">${this.buildings.get(r.buildingId) ?? ''}</a>` : ''}</td>
              <td>${fmtDate(String(r.params.from ?? ''))} – ${fmtDate(String(r.params.to ?? ''))}${r.params.premiseIds ? ` · ${t('reports.premises')}: ${(r.params.premiseIds as unknown[]).length}` : ''}${r.params.majority ? ' · >50%' : ''}${r.params.byNorm ? ` · ${t('calc.byNorm')}` : ''}</td>
              <td>${r.createdBy ?? ''}</td>
              <td><a href="/api/report-runs/${r.id}/file" download=${r.fileName}>${t('reports.download')}</a></td>
            </tr>`,
          )}
          ${this.runs.length ? nothing : html`<tr><td colspan="6" class="muted">${this.loading ? t('common.loading') : t('common.none')}</td></tr>`}
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
