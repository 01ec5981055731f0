import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { fmtDate, t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface Attention {
  days: number;
  silentBuildings: Array<{ buildingId: string; buildingName: string; meters: number; silent: number; concentrators: Array<{ name: string | null; silent: number; meters: number; silentSince: string | null }> }>;
  failingConcentrators: Array<{ concentratorId: string; name: string; buildingId: string; buildingName: string; lastOutcome: string; failedInRow: number; lastOkAt: string | null }>;
  billing: { next: string; daysLeft: number; metersAtRisk: number };
}

/** What needs attention (B2, `GET /api/attention`): silent meters by building and concentrator, failing concentrators, the billing day. */
export class AmrAttention extends AmrElement {
  static override styles = shared;

  @state() private data?: Attention;

  override async connectedCallback() {
    super.connectedCallback();
    this.data = await api<Attention>('GET', '/api/attention').catch(() => undefined);
  }

  override render() {
    const d = this.data;
    if (!d || (!d.silentBuildings.length && !d.failingConcentrators.length)) return nothing;
    return html`<section class="card" aria-label=${t('attention.title')}>
      <strong>${t('attention.title')}</strong>
      <span class="muted"> · ${t('attention.billing')} ${fmtDate(d.billing.next)}: ${d.billing.daysLeft} ${t('attention.days')}</span>
      ${d.silentBuildings.length
        ? html`<div class="sub">${t('attention.silent')} (&gt; ${d.days} ${t('attention.days')})</div>
            <ul>
              ${d.silentBuildings.slice(0, 10).map(
                (b) => html`<li><a href="/buildings/${b.buildingId}">${b.buildingName}</a>: ${b.silent} ${t('common.of')} ${b.meters}
                  ${b.concentrators.filter((c) => c.name).map((c) => html`<span class="muted"> · ${c.name}: ${c.silent}/${c.meters}${c.silentSince ? ` (${fmtDate(c.silentSince)})` : ''}</span>`)}</li>`,
              )}
            </ul>`
        : nothing}
      ${d.failingConcentrators.length
        ? html`<div class="sub">${t('attention.failing')}</div>
            <ul>
              ${d.failingConcentrators.slice(0, 10).map(
                (c) => html`<li><a href="/buildings/${c.buildingId}">${c.buildingName}</a>, ${c.name}: ${c.lastOutcome}, ${c.failedInRow} ${t('attention.inRow')}</li>`,
              )}
            </ul>`
        : nothing}
    </section>`;
  }
}
