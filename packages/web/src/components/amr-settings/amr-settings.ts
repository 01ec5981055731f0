import { AmrSettings } from './amr-settings.component.js';

export { AmrSettings };
customElements.define('amr-settings', AmrSettings);

declare global {
  interface HTMLElementTagNameMap {
    'amr-settings': AmrSettings;
  }
}
