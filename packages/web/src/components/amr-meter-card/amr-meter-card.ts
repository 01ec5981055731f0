import { AmrMeterCard } from './amr-meter-card.component.js';

export { AmrMeterCard };
customElements.define('amr-meter-card', AmrMeterCard);

declare global {
  interface HTMLElementTagNameMap {
    'amr-meter-card': AmrMeterCard;
  }
}
