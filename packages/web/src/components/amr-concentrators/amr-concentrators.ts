import { AmrConcentrators } from './amr-concentrators.component.js';

export { AmrConcentrators };
customElements.define('amr-concentrators', AmrConcentrators);

declare global {
  interface HTMLElementTagNameMap {
    'amr-concentrators': AmrConcentrators;
  }
}
