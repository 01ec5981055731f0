import { AmrLangSwitch } from './amr-lang-switch.component.js';

export { AmrLangSwitch };
customElements.define('amr-lang-switch', AmrLangSwitch);

declare global {
  interface HTMLElementTagNameMap {
    'amr-lang-switch': AmrLangSwitch;
  }
}
