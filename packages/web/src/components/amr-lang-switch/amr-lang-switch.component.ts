import { html } from 'lit';
import { LANGS, lang, setLang, t } from '../../i18n.js';
import { AmrElement } from '../amr-element.js';
import { styles } from './amr-lang-switch.styles.js';

/** RU / EN as a segmented control; the choice applies to the whole page at once. */
export class AmrLangSwitch extends AmrElement {
  static override styles = styles;

  override render() {
    return html`<div role="group" aria-label=${t('lang.label')}>
      ${LANGS.map((l) => html`<button type="button" lang=${l} aria-pressed=${lang() === l} @click=${() => setLang(l)}>${l.toUpperCase()}</button>`)}
    </div>`;
  }
}
