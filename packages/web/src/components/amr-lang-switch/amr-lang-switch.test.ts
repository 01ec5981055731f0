import { $$, assert, equal, mount, test } from '../../testing/harness.js';
import { lang, LANG_CHANGE, setLang } from '../../i18n.js';
import './amr-lang-switch.js';

test('shows RU pressed first, and EN switches the whole page to English and remembers it', async () => {
  setLang('ru');
  const el = await mount(document.createElement('amr-lang-switch'));
  const buttons = () => $$<HTMLButtonElement>(el, 'button');
  equal(buttons().map((b) => [b.textContent, b.getAttribute('aria-pressed')]), [['RU', 'true'], ['EN', 'false']], 'buttons');
  const heard: string[] = [];
  window.addEventListener(LANG_CHANGE, (e) => heard.push((e as CustomEvent<string>).detail));
  buttons()[1]!.click();
  await el.updateComplete;
  equal(lang(), 'en', 'language');
  equal(heard, ['en'], 'amr-lang-change events');
  equal(localStorage.getItem('openamr.lang'), 'en', 'stored choice');
  equal(document.documentElement.lang, 'en', '<html lang>');
  equal(buttons().map((b) => b.getAttribute('aria-pressed')), ['false', 'true'], 'pressed state');
  equal($$(el, '[role=group]')[0]!.getAttribute('aria-label'), 'Language', 'group label in English');
  buttons()[0]!.click();
  await el.updateComplete;
  equal(lang(), 'ru', 'back to Russian');
});

test('pressing the current language again announces nothing', async () => {
  setLang('ru');
  const el = await mount(document.createElement('amr-lang-switch'));
  let heard = 0;
  const count = () => heard++;
  window.addEventListener(LANG_CHANGE, count);
  $$<HTMLButtonElement>(el, 'button')[0]!.click();
  await el.updateComplete;
  window.removeEventListener(LANG_CHANGE, count);
  assert(heard === 0, `expected no event, got ${heard}`);
});
