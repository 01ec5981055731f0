import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

/**
 * «Прикрепить свободное …»: a button that lists the free items (`listUrl`, answering
 * `{items}`) and attaches the chosen one with `PUT attachUrl(id)` and `body`; fires
 * `amr-attached` after.
 */
export class AmrAttachFree extends AmrElement {
  static override styles = shared;

  @property() label = '';
  @property() listUrl = '';
  @property({ attribute: false }) attachUrl: (id: string) => string = () => '';
  @property({ attribute: false }) body: Record<string, unknown> = {};
  /** The text of an item in the list. */
  @property({ attribute: false }) text: (item: Record<string, unknown>) => string = (item) => String(item.id);
  @state() private free: Array<Record<string, unknown>> | null = null;

  private async toggle() {
    this.free = this.free ? null : ((await this.attempt(() => api<{ items: Array<Record<string, unknown>> }>('GET', this.listUrl)))?.items ?? null);
  }

  private async attach(e: Event) {
    e.preventDefault();
    const id = String(new FormData(e.target as HTMLFormElement).get('id') ?? '');
    if (!id) return;
    await this.attempt(async () => {
      await api('PUT', this.attachUrl(id), this.body);
      this.free = null;
      this.dispatchEvent(new CustomEvent('amr-attached', { bubbles: true, composed: true }));
    });
  }

  override render() {
    return html`<button @click=${this.toggle}>${this.label}</button>
      ${this.free
        ? html`<form class="card toolbar" aria-label=${this.label} @submit=${this.attach}>
            <select name="id" aria-label=${this.label}>${this.free.map((x) => html`<option value=${String(x.id)}>${this.text(x)}</option>`)}</select>
            <button class="primary" type="submit" ?disabled=${!this.free.length}>${t('common.attach')}</button>
            ${this.free.length ? nothing : html`<span class="muted">${t('common.none')}</span>`}
          </form>`
        : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}`;
  }
}
