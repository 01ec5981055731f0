import { AmrPremiseCard } from './amr-premise-card.component.js';

export { AmrPremiseCard };
customElements.define('amr-premise-card', AmrPremiseCard);

declare global {
  interface HTMLElementTagNameMap {
    'amr-premise-card': AmrPremiseCard;
  }
}
