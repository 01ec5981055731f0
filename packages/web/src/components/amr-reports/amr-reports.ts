import { AmrReports } from './amr-reports.component.js';

export { AmrReports };
customElements.define('amr-reports', AmrReports);

declare global {
  interface HTMLElementTagNameMap {
    'amr-reports': AmrReports;
  }
}
