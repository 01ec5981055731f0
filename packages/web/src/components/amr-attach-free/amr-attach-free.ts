import { AmrAttachFree } from './amr-attach-free.component.js';

export { AmrAttachFree };
customElements.define('amr-attach-free', AmrAttachFree);

declare global {
  interface HTMLElementTagNameMap {
    'amr-attach-free': AmrAttachFree;
  }
}
