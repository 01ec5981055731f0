import { $, assert, equal, mockApi, mount, test, until } from '../../testing/harness.js';
import type { Me } from '../../api.js';
import './amr-login.js';

async function submit(el: HTMLElement, email: string, password: string) {
  $<HTMLInputElement>(el, 'input[name=email]')!.value = email;
  $<HTMLInputElement>(el, 'input[name=password]')!.value = password;
  $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
}

test('fires amr-login with the user the server answers for the right password', async () => {
  const me: Me = { id: 'u1', email: 'op@test.local', role: 'operator' };
  const calls = mockApi({ 'POST /api/auth/login': () => me });
  const el = await mount(document.createElement('amr-login'));
  let logged: Me | undefined;
  el.addEventListener('amr-login', (e) => (logged = e.detail));
  await submit(el, 'op@test.local', 'secret-pass-1');
  await until(() => logged, 'amr-login');
  equal(logged, me, 'event detail');
  equal(calls.map((c) => [c.method, c.path, c.body]), [['POST', '/api/auth/login', { email: 'op@test.local', password: 'secret-pass-1' }]], 'requests');
});

test('shows the server\'s message for a wrong password and selects the password', async () => {
  mockApi({ 'POST /api/auth/login': () => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Неверный email или пароль' } }) });
  const el = await mount(document.createElement('amr-login'));
  let fired = false;
  el.addEventListener('amr-login', () => (fired = true));
  await submit(el, 'op@test.local', 'wrong');
  await until(() => $(el, '[role=alert]')?.textContent?.includes('Неверный email или пароль'), 'the alert');
  assert(!fired, 'no amr-login on a refusal');
  const pw = $<HTMLInputElement>(el, 'input[name=password]')!;
  equal([pw.selectionStart, pw.selectionEnd], [0, 'wrong'.length], 'password selected');
  assert(!$<HTMLButtonElement>(el, 'button[type=submit]')!.disabled, 'the button is enabled again');
});

test('shows a notice such as an expired session above the form, and requires both fields', async () => {
  mockApi({});
  const el = await mount(document.createElement('amr-login'));
  el.notice = 'Сессия истекла, войдите снова';
  await el.updateComplete;
  equal($(el, '[role=status]')?.textContent, 'Сессия истекла, войдите снова', 'notice');
  assert($<HTMLInputElement>(el, 'input[name=email]')!.required && $<HTMLInputElement>(el, 'input[name=password]')!.required, 'both fields required');
  equal($(el, 'h1')?.textContent, 'Вход', 'heading');
});
