import { AmrImport } from './amr-import.component.js';

export { AmrImport };
customElements.define('amr-import', AmrImport);

declare global {
  interface HTMLElementTagNameMap {
    'amr-import': AmrImport;
  }
}
