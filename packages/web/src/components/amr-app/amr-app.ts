import { AmrApp } from './amr-app.component.js';

export { AmrApp };
customElements.define('amr-app', AmrApp);

declare global {
  interface HTMLElementTagNameMap {
    'amr-app': AmrApp;
  }
}
