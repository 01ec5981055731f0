import { AmrAttention } from './amr-attention.component.js';

export { AmrAttention };
customElements.define('amr-attention', AmrAttention);

declare global {
  interface HTMLElementTagNameMap {
    'amr-attention': AmrAttention;
  }
}
