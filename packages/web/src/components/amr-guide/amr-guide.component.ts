import { css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { marked } from 'marked';
import ru from '../../../../../docs/user-guide.ru.md?raw';
import en from '../../../../../docs/user-guide.en.md?raw';
import { lang } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { shared } from '../shared-styles.js';

/** «Руководство»: the user guide of docs/ (Russian or English), the same text as in the repository. */
export class AmrGuide extends AmrElement {
  static override styles = [
    shared,
    css`
      article { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 8px 28px 20px; max-width: 860px; line-height: 1.6; }
      article h1 { font-size: 20px; }
      article h2 { font-size: 16px; margin-top: 22px; }
    `,
  ];

  override render() {
    // The guide is our own file, bundled at build time: no user input reaches it.
    return html`<article>${unsafeHTML(marked.parse(lang() === 'ru' ? ru : en, { async: false }) as string)}</article>`;
  }
}
