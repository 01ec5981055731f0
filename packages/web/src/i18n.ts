/**
 * Russian first, English second. The choice is kept in localStorage, sent to the server as
 * Accept-Language (so its error messages match) and announced with `amr-lang-change`.
 */
export type Lang = 'ru' | 'en';
export const LANGS: readonly Lang[] = ['ru', 'en'];
export const LANG_CHANGE = 'amr-lang-change';

const ru = {
  'app.tagline': 'Учёт показаний и распределение тепла',
  'nav.label': 'Разделы',
  'nav.overview': 'Обзор',
  'nav.reference': 'Справочники',
  'nav.settings': 'Настройки',
  'nav.guide': 'Руководство',
  'lang.label': 'Язык',
  'login.title': 'Вход',
  'login.email': 'Email',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.expired': 'Сессия истекла, войдите снова',
  'user.logout': 'Выйти',
  'role.operator': 'Оператор',
  'role.manager': 'Менеджер',
  'role.administrator': 'Администратор',
  'page.wip': 'Раздел в разработке',
  'overview.intro': 'Здесь появятся объекты, помещения и приборы учёта с их последними показаниями.',
  'error.network': 'Сервер недоступен',
};

type Texts = Record<keyof typeof ru, string>;

const en: Texts = {
  'app.tagline': 'Meter reading and heat cost allocation',
  'nav.label': 'Sections',
  'nav.overview': 'Overview',
  'nav.reference': 'Reference data',
  'nav.settings': 'Settings',
  'nav.guide': 'Guide',
  'lang.label': 'Language',
  'login.title': 'Log in',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.expired': 'Your session has expired, please log in again',
  'user.logout': 'Log out',
  'role.operator': 'Operator',
  'role.manager': 'Manager',
  'role.administrator': 'Administrator',
  'page.wip': 'This section is being built',
  'overview.intro': 'Buildings, premises and meters with their latest readings will appear here.',
  'error.network': 'The server cannot be reached',
};

export type TextKey = keyof Texts;

const texts: Record<Lang, Texts> = { ru, en };
const STORAGE_KEY = 'openamr.lang';

function storedLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGS.includes(saved as Lang) ? (saved as Lang) : 'ru';
}

let current: Lang = storedLang();
document.documentElement.lang = current;

export function lang(): Lang {
  return current;
}

export function t(key: TextKey): string {
  return texts[current][key];
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  window.dispatchEvent(new CustomEvent<Lang>(LANG_CHANGE, { detail: next }));
}
