import { AmrOverview } from './amr-overview.component.js';

export { AmrOverview };
customElements.define('amr-overview', AmrOverview);

declare global {
  interface HTMLElementTagNameMap {
    'amr-overview': AmrOverview;
  }
}
