import { css, html } from 'lit';
import { property } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { unsafeCSS } from 'lit';
import { AmrElement } from '../amr-element.js';

/** A bar chart (uPlot) of values by label, e.g. consumption per month. */
export class AmrChart extends AmrElement {
  static override styles = [unsafeCSS(uPlotCss), css`:host { display: block; } .plot { min-height: 220px; }`];

  @property({ attribute: false }) labels: string[] = [];
  @property({ attribute: false }) values: number[] = [];
  @property() label = '';
  private plot?: uPlot;

  override render() {
    return html`<div class="plot" role="img" aria-label=${this.label}></div>`;
  }

  override updated() {
    this.plot?.destroy();
    const el = this.renderRoot.querySelector<HTMLDivElement>('.plot')!;
    const xs = this.labels.map((_, i) => i);
    const bars = uPlot.paths.bars!({ size: [0.6, 40] });
    this.plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth || 640),
        height: 220,
        legend: { show: false },
        // One bar per label, centred; the value axis from zero.
        scales: { x: { time: false, range: () => [-0.5, xs.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ splits: () => xs, values: (_u, splits) => splits.map((i) => this.labels[i] ?? '') }, {}],
        series: [{}, { label: this.label, stroke: '#2563eb', fill: 'rgba(37,99,235,0.35)', paths: bars, points: { show: false } }],
      },
      [xs, this.values],
      el,
    );
  }

  override disconnectedCallback() {
    this.plot?.destroy();
    super.disconnectedCallback();
  }
}
