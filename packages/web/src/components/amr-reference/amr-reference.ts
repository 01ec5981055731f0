import { AmrReference } from './amr-reference.component.js';

export { AmrReference };
customElements.define('amr-reference', AmrReference);

declare global {
  interface HTMLElementTagNameMap {
    'amr-reference': AmrReference;
  }
}
