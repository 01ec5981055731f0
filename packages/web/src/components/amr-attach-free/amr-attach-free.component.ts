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
  @state() private loading = false;
  /** The item chosen when the list opens (e.g. the meter just created). */
  @state() private chosen = '';

  /** Opens the list of free items, `selectId` chosen in it. */
  async open(selectId = ''): Promise<void> {
    this.loading = true;
    this.chosen = selectId;
    this.free = (await this.attempt(() => api<{ items: Array<Record<string, unknown>> }>('GET', this.listUrl)))?.items ?? null;
    this.loading = false;
  }

  private async toggle() {
    if (this.free) this.free = null;
    else await this.open();
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
    return html`<button @click=${this.toggle} aria-expanded=${this.free !== null}>${this.label}</button>
      ${this.loading ? html`<span class="muted" role="status">${t('common.loading')}</span>` : nothing}
      ${this.free
        ? html`<form class="card toolbar" aria-label=${this.label} @submit=${this.attach}>
            <select name="id" aria-label=${this.label} ?hidden=${!this.free.length}>${this.free.map((x) => html`<option value=${String(x.id)} ?selected=${String(x.id) === this.chosen}>${this.text(x)}</option>`)}</select>
            <button class="primary" type="submit" ?disabled=${!this.free.length}>${t('common.attach')}</button>
            <button type="button" @click=${() => (this.free = null)}>${t('common.cancel')}</button>
            ${this.free.length ? nothing : html`<span class="muted">${t('common.none')}</span>`}
          </form>`
        : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}`;
  }
}
