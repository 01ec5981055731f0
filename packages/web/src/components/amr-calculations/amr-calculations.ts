import { AmrCalculations } from './amr-calculations.component.js';

export { AmrCalculations };
customElements.define('amr-calculations', AmrCalculations);

declare global {
  interface HTMLElementTagNameMap {
    'amr-calculations': AmrCalculations;
  }
}
