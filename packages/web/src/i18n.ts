/** Russian first, English second; the choice is kept in localStorage and sent to the server. */
export type Lang = 'ru' | 'en';

const texts = {
  ru: {
    'app.name': 'OpenAMR',
    'nav.overview': 'Обзор',
    'nav.reference': 'Справочники',
    'nav.settings': 'Настройки',
    'nav.guide': 'Руководство',
    'login.title': 'Вход в OpenAMR',
    'login.email': 'Email',
    'login.password': 'Пароль',
    'login.submit': 'Войти',
    'login.expired': 'Сессия истекла, войдите снова',
    'user.logout': 'Выйти',
    'role.operator': 'Оператор',
    'role.manager': 'Менеджер',
    'role.administrator': 'Администратор',
    'page.wip': 'Раздел в разработке',
    'overview.intro': 'Объекты, помещения и приборы учета. Таблица объектов появится здесь.',
    'error.network': 'Сервер недоступен',
  },
  en: {
    'app.name': 'OpenAMR',
    'nav.overview': 'Overview',
    'nav.reference': 'Reference data',
    'nav.settings': 'Settings',
    'nav.guide': 'Guide',
    'login.title': 'Log in to OpenAMR',
    'login.email': 'Email',
    'login.password': 'Password',
    'login.submit': 'Log in',
    'login.expired': 'Your session has expired, please log in again',
    'user.logout': 'Log out',
    'role.operator': 'Operator',
    'role.manager': 'Manager',
    'role.administrator': 'Administrator',
    'page.wip': 'This section is being built',
    'overview.intro': 'Buildings, premises and meters. The buildings table will appear here.',
    'error.network': 'The server cannot be reached',
  },
} as const;

export type TextKey = keyof (typeof texts)['ru'];

let current: Lang = (localStorage.getItem('openamr.lang') as Lang | null) ?? 'ru';

export function lang(): Lang {
  return current;
}

export function t(key: TextKey): string {
  return texts[current][key] ?? key;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('openamr.lang', next);
  document.documentElement.lang = next;
  window.dispatchEvent(new CustomEvent('amr-lang-change', { detail: next }));
}

document.documentElement.lang = current;
