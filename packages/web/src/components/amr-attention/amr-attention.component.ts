import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { fmtDate, t } from '../../i18n.js';
import { label } from '../../labels.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

interface Attention {
  days: number;
  silentBuildings: Array<{ buildingId: string; buildingName: string; meters: number; silent: number; concentrators: Array<{ name: string | null; silent: number; meters: number; silentSince: string | null }> }>;
  failingConcentrators: Array<{ concentratorId: string; name: string; buildingId: string; buildingName: string; lastOutcome: string; lastError: string | null; failedInRow: number; lastOkAt: string | null }>;
  billing: { next: string; daysLeft: number; metersAtRisk: number };
}

/** What needs attention (B2, `GET /api/attention`): the meters at risk before the billing day, silent meters by building and concentrator, failing concentrators; «all is well» when nothing is. */
export class AmrAttention extends AmrElement {
  static override styles = shared;

  @state() private data?: Attention;

  override async connectedCallback() {
    super.connectedCallback();
    this.data = await api<Attention>('GET', '/api/attention').catch(() => undefined);
  }

  override render() {
    const d = this.data;
    if (!d) return nothing;
    const well = !d.silentBuildings.length && !d.failingConcentrators.length;
    return html`<section class="card" aria-label=${t('attention.title')}>
      <strong>${t('attention.title')}</strong>
      <div class="sub" style="margin: 6px 0 8px">
        ${t('attention.billing')} ${fmtDate(d.billing.next)}: ${d.billing.daysLeft} ${t('attention.days')} ·
        ${t('attention.atRisk')}:
        ${d.billing.metersAtRisk
          ? html`<strong class="state-error" data-testid="at-risk">${d.billing.metersAtRisk} ${t('attention.metersAtRisk')}</strong>`
          : html`<span data-testid="at-risk">${t('attention.noneAtRisk')}</span>`}
      </div>
      ${well ? html`<div role="status" class="state-ok">✓ ${t('attention.allWell')}</div>` : nothing}
      ${d.silentBuildings.length
        ? html`<div class="sub" style="margin-bottom:4px">${t('attention.silent')} (&gt; ${d.days} ${t('attention.days')})</div>
            <ul>
              ${d.silentBuildings.slice(0, 10).map(
                (b) => html`<li><a href="/buildings/${b.buildingId}">${b.buildingName}</a>: ${b.silent} ${t('common.of')} ${b.meters}
                  ${b.concentrators.filter((c) => c.name).map((c) => html`<span class="muted"> · ${c.name}: ${c.silent}/${c.meters}${c.silentSince ? ` (${fmtDate(c.silentSince)})` : ''}</span>`)}</li>`,
              )}
            </ul>`
        : nothing}
      ${d.failingConcentrators.length
        ? html`<div class="sub" style="margin-bottom:4px">${t('attention.failing')}</div>
            <ul>
              ${d.failingConcentrators.slice(0, 10).map(
                (c) => html`<li><a href="/buildings/${c.buildingId}">${c.buildingName}</a>, ${c.name}: <span class="state-error">${label('outcome', c.lastOutcome)}</span>, ${t('attention.inRow')}: ${c.failedInRow}
                  <span class="muted">· ${c.lastOkAt ? `${t('attention.lastOk')} ${fmtDate(c.lastOkAt)}` : t('attention.never')}${c.lastError ? ` · ${c.lastError}` : ''}</span></li>`,
              )}
            </ul>`
        : nothing}
    </section>`;
  }
}
