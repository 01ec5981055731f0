import { AmrBuildingCard } from './amr-building-card.component.js';

export { AmrBuildingCard };
customElements.define('amr-building-card', AmrBuildingCard);

declare global {
  interface HTMLElementTagNameMap {
    'amr-building-card': AmrBuildingCard;
  }
}
