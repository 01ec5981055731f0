import { AmrChart } from './amr-chart.component.js';

export { AmrChart };
customElements.define('amr-chart', AmrChart);

declare global {
  interface HTMLElementTagNameMap {
    'amr-chart': AmrChart;
  }
}
