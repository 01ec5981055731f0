import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api, ApiError, type Me } from '../../api.js';
import { fmtDate, lang, t, type TextKey } from '../../i18n.js';
import { label } from '../../labels.js';
import { dayInput, parseDay } from '../../forms.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

type Kind = 'allocators.heat-cost' | 'water.consumption' | 'heat-meters.consumption' | 'technical.data-completeness';
const TABS: Array<[Kind, TextKey]> = [
  ['allocators.heat-cost', 'calc.allocators'],
  ['water.consumption', 'calc.water'],
  ['heat-meters.consumption', 'calc.heat'],
  ['technical.data-completeness', 'calc.technical'],
];

/** The first and last day of the previous month, as the default period. */
function lastMonth(): { from: string; to: string } {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** A column of a report's preview: the key in its explanation's rows, how its value is shown. */
type Column = { key: string; show?: (v: unknown, row: Record<string, unknown>) => string; num?: boolean };
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const day = (v: unknown) => fmtDate(text(v));
/** The preview's columns of the three tabular reports, as their workbooks have them. */
const COLUMNS: Record<Exclude<Kind, 'allocators.heat-cost'>, Column[]> = {
  'water.consumption': [
    { key: 'premise' },
    { key: 'medium', show: (v) => label('medium', text(v)) },
    { key: 'serial' },
    { key: 'startDay', show: day },
    { key: 'startValue', num: true },
    { key: 'endDay', show: day },
    { key: 'endValue', num: true },
    { key: 'consumption', num: true },
  ],
  'heat-meters.consumption': [
    { key: 'premise' },
    { key: 'serial' },
    { key: 'unit' },
    { key: 'startDay', show: day },
    { key: 'startEnergy', num: true },
    { key: 'endDay', show: day },
    { key: 'endEnergy', num: true },
    { key: 'energy', num: true },
    { key: 'gcal', num: true },
    { key: 'volume', num: true },
  ],
  'technical.data-completeness': [
    { key: 'premise' },
    { key: 'serial' },
    { key: 'deviceType' },
    { key: 'expected', num: true },
    { key: 'received', num: true },
    { key: 'missing', num: true },
    { key: 'lastReadingDay', show: day },
    { key: 'errorCode' },
    { key: 'state', show: (v) => label('mstate', text(v)) },
    { key: 'concentrator' },
    { key: 'lastPollOutcome', show: (v) => label('outcome', text(v)) },
  ],
};
const HEADER: Record<string, TextKey> = { lastPollOutcome: 'col.lastPoll' };

/**
 * The calculation block of the building card (manual «Проведение расчетов»): per report the
 * period and options, a preview of the result with each premise's derivation (the report's
 * JSON), and «Сгенерировать», which downloads the workbook under its proper name. With
 * premises selected (Ctrl/Shift in the premises tab) the report covers only those (F24).
 */
export class AmrCalculations extends AmrElement {
  static override styles = shared;

  @property({ attribute: false }) me!: Me;
  @property() buildingId = '';
  @property({ attribute: false }) selected: string[] = [];
  @state() private kind: Kind = 'allocators.heat-cost';
  @state() private period = lastMonth();
  @state() private preview: { explanation: any; warnings?: string[] } | null = null;
  @state() private busy = false;
  @state() private expanded = new Set<string>();

  private params(form: HTMLFormElement, format: 'json' | 'xlsx') {
    const f = new FormData(form);
    const day = (k: string) => parseDay(String(f.get(k) ?? '')) ?? f.get(k);
    const body: Record<string, unknown> = { buildingId: this.buildingId, from: day('from'), to: day('to'), format };
    if (this.kind === 'allocators.heat-cost') {
      if (f.get('manualHeatGcal')) body.manualHeatGcal = String(f.get('manualHeatGcal')).replace(',', '.');
      body.byNorm = f.get('byNorm') === 'on';
      body.majority = f.get('majority') === 'on';
    }
    if (f.get('selectedOnly') === 'on' && this.selected.length) body.premiseIds = this.selected;
    return body;
  }

  private async run(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const format = (e as SubmitEvent).submitter?.getAttribute('value') === 'xlsx' ? 'xlsx' : 'json';
    this.busy = true;
    this.error = '';
    try {
      if (format === 'json') {
        const run = await api<{ explanation: unknown; warnings?: string[] }>('POST', `/api/reports/${this.kind}?preview=true`, this.params(form, 'json'));
        this.preview = run as never;
      } else {
        const res = await fetch(`/api/reports/${this.kind}?download=true`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: '*/*', 'accept-language': lang() },
          body: JSON.stringify(this.params(form, 'xlsx')),
        });
        if (!res.ok) {
          const err = (await res.json().catch(() => ({}))) as { message?: string; statusCode?: number };
          throw new ApiError(res.status, '', err.message ?? res.statusText);
        }
        const name = decodeURIComponent((res.headers.get('content-disposition') ?? '').split("UTF-8''")[1] ?? 'report.xlsx');
        const a = document.createElement('a');
        a.href = URL.createObjectURL(await res.blob());
        a.download = name;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      }
    } catch (err) {
      this.preview = null;
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private toggle(id: string) {
    const next = new Set(this.expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.expanded = next;
  }

  private previewTable() {
    const x = this.preview?.explanation;
    if (!x) return nothing;
    if (this.kind === 'allocators.heat-cost') {
      return html`<div class="sub" style="margin-top: 12px">${t('calc.total')}: <strong>${x.heatGcal}</strong></div>
        <div class="table-wrap"><table aria-label=${t('calc.preview')}>
          <thead><tr><th>${t('premise.number')}</th><th class="num">${t('premise.area')}</th><th>${t('calc.method')}</th><th class="num">${t('calc.units')}</th><th class="num">${t('calc.estimated')}</th><th class="num">${t('calc.gcal')}</th><th class="num">${t('calc.gcalPerM2')}</th></tr></thead>
          <tbody>${(x.premises ?? []).map(
            (p: any) => html`<tr @click=${() => this.toggle(p.id)} aria-expanded=${this.expanded.has(p.id)} style="cursor:pointer">
                <td>${this.expanded.has(p.id) ? '▾' : '▸'} ${p.id}</td><td class="num">${p.area}</td><td>${label('method', p.method)}</td><td class="num">${p.units ?? ''}</td><td class="num">${p.estimated ?? ''}</td><td class="num">${p.gcal}</td><td class="num">${p.gcalPerM2 ?? ''}</td>
              </tr>
              ${this.expanded.has(p.id)
                ? html`<tr class="derivation"><td colspan="7">
                    ${(p.allocators ?? []).map(
                      (a: any) => html`<div>${a.serial}: ${a.startValue ?? '—'} → ${a.endValue ?? '—'}, Δ ${a.delta ?? '—'} × k ${a.coefficient} = ${a.reducedUnits ?? '—'}${a.estimated ? ` (${t('calc.estimatedMark')})` : ''} · ${label('astatus', a.status)}</div>`,
                    )}
                    ${p.norm ? html`<div>${t('norm.value')}: ${p.norm}</div>` : nothing}
                    ${(p.allocators ?? []).length || p.norm ? nothing : html`<span class="muted">${label('method', p.method)}</span>`}
                  </td></tr>`
                : nothing}`,
          )}</tbody>
        </table></div>`;
    }
    const rows: Array<Record<string, unknown>> = x.meters ?? [];
    const columns = COLUMNS[this.kind];
    return html`<div class="table-wrap"><table aria-label=${t('calc.preview')}>
      <thead><tr>${columns.map((c) => html`<th class=${c.num ? 'num' : ''}>${t(HEADER[c.key] ?? (`col.${c.key}` as TextKey))}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr>${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.show ? c.show(r[c.key], r) : text(r[c.key])}</td>`)}</tr>`)}
        ${rows.length ? nothing : html`<tr><td colspan=${columns.length} class="muted">${t('common.none')}</td></tr>`}</tbody>
    </table></div>`;
  }

  override render() {
    return html`<div class="card">
      <strong>${t('calc.title')}</strong>
      <div class="tabs" role="tablist">
        ${TABS.map(([k, label]) => html`<button role="tab" aria-selected=${this.kind === k} @click=${() => ((this.kind = k), (this.preview = null), (this.error = ''))}>${t(label)}</button>`)}
      </div>
      <form class="grid" aria-label=${t('calc.title')} @submit=${this.run}>
        <label>${t('calc.from')}<span class="req">*</span>${dayInput('from', this.period.from, true)}</label>
        <label>${t('calc.to')}<span class="req">*</span>${dayInput('to', this.period.to, true)}</label>
        ${this.kind === 'allocators.heat-cost'
          ? html`<label>${t('calc.heatGcal')}<input name="manualHeatGcal" inputmode="decimal" pattern="\\d+([.,]\\d+)?" /></label>
              <label class="check"><span><input type="checkbox" name="byNorm" /> ${t('calc.byNorm')}</span></label>
              <label class="check"><span><input type="checkbox" name="majority" /> ${t('calc.majority')}</span></label>`
          : nothing}
        ${this.selected.length
          ? html`<label class="check"><span><input type="checkbox" name="selectedOnly" checked /> ${t('calc.selectedOnly')} (${this.selected.length})</span></label>`
          : nothing}
        <div class="actions">
          <button type="submit" value="json" ?disabled=${this.busy}>${t('calc.preview')}</button>
          <button class="primary" type="submit" value="xlsx" ?disabled=${this.busy}>${t('calc.generate')}</button>
        </div>
      </form>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.preview?.warnings?.length ? html`<div class="sub">${t('calc.warnings')}: ${this.preview.warnings.join('; ')}</div>` : nothing}
      ${this.previewTable()}
    </div>`;
  }
}
