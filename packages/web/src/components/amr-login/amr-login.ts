import { AmrLogin } from './amr-login.component.js';

export { AmrLogin };
customElements.define('amr-login', AmrLogin);

declare global {
  interface HTMLElementTagNameMap {
    'amr-login': AmrLogin;
  }
}
