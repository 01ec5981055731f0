import { AmrLegacyImport } from './amr-legacy-import.component.js';

export { AmrLegacyImport };
customElements.define('amr-legacy-import', AmrLegacyImport);

declare global {
  interface HTMLElementTagNameMap {
    'amr-legacy-import': AmrLegacyImport;
  }
}
