import { LitElement } from 'lit';
import type { Me } from '../api.js';
import { LANG_CHANGE } from '../i18n.js';

/** Events the shell's elements fire, with their details. */
export interface AmrEventMap {
  'amr-login': Me;
}

/** The base of every OpenAMR element: re-renders when the language changes, fires typed events. */
export class AmrElement extends LitElement {
  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(LANG_CHANGE, this.onLangChange);
  }

  override disconnectedCallback(): void {
    window.removeEventListener(LANG_CHANGE, this.onLangChange);
    super.disconnectedCallback();
  }

  protected emit<K extends keyof AmrEventMap>(type: K, detail: AmrEventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private onLangChange = (): void => this.requestUpdate();
}

type AmrEvents = { [K in keyof AmrEventMap]: CustomEvent<AmrEventMap[K]> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends AmrEvents {}
}
