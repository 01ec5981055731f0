import { AmrGuide } from './amr-guide.component.js';

export { AmrGuide };
customElements.define('amr-guide', AmrGuide);

declare global {
  interface HTMLElementTagNameMap {
    'amr-guide': AmrGuide;
  }
}
