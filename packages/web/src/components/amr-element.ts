import { LitElement } from 'lit';
import { state } from 'lit/decorators.js';
import type { Me } from '../api.js';
import { checkForm, formBody, showServerError } from '../forms.js';
import { LANG_CHANGE } from '../i18n.js';

/** Events the shell's elements fire, with their details. */
export interface AmrEventMap {
  'amr-login': Me;
  /** A card's own heading (building name, «Кв.N», serial): the shell puts it in the document title. */
  'amr-title': string;
}

/** The base of every OpenAMR element: re-renders when the language changes, fires typed events. */
export class AmrElement extends LitElement {
  /** The last refused action's message (the server's words), shown by the page; cleared when one succeeds. */
  @state() protected error = '';

  /** Runs an action of the page: a refusal becomes `error`, a success clears it. */
  protected async attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await action();
      this.error = '';
      return result;
    } catch (err) {
      this.error = (err as Error).message;
      return undefined;
    }
  }

  /**
   * A form's submit: every refused field gets its message beside it and nothing is sent;
   * otherwise `action` runs, and a server refusal naming one of the form's fields
   * (ApiError.field) is shown on that field, any other as `error`.
   */
  protected async submitForm(e: Event, action: (body: Record<string, string>, form: HTMLFormElement) => Promise<unknown>): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    if (!checkForm(form)) return;
    try {
      await action(formBody(form), form);
      this.error = '';
    } catch (err) {
      this.error = showServerError(form, err) ? '' : (err as Error).message;
    }
  }

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
