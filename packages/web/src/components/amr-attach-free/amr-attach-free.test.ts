import { $, $$, assert, equal, mockApi, mount, test, until } from '../../testing/harness.js';
import './amr-attach-free.js';

function make() {
  const el = document.createElement('amr-attach-free');
  el.label = 'Прикрепить свободный прибор';
  el.listUrl = '/api/meters?free=true&limit=500';
  el.attachUrl = (id) => `/api/meters/${id}/premise`;
  el.body = { premiseId: 'p1' };
  el.text = (m) => String(m.serial);
  return el;
}

test('lists the free items and attaches the chosen one with PUT and the body, then fires amr-attached', async () => {
  const calls = mockApi({
    'GET /api/meters': () => ({ items: [{ id: 'm1', serial: 'FREE-1' }, { id: 'm2', serial: 'FREE-2' }] }),
    'PUT /api/meters/m2/premise': () => ({ id: 'm2' }),
  });
  const el = await mount(make());
  let attached = 0;
  el.addEventListener('amr-attached', () => attached++);
  $<HTMLButtonElement>(el, 'button')!.click();
  const select = await until(() => $<HTMLSelectElement>(el, 'form select'), 'the list');
  equal([...select.options].map((o) => o.text), ['FREE-1', 'FREE-2'], 'options');
  select.value = 'm2';
  $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
  await until(() => attached, 'amr-attached');
  equal(calls.map((c) => `${c.method} ${c.path}`), ['GET /api/meters?free=true&limit=500', 'PUT /api/meters/m2/premise'], 'requests');
  equal(calls[1]!.body, { premiseId: 'p1' }, 'body');
  await el.updateComplete;
  assert(!$(el, 'form'), 'the list closes');
});

test('says there is nothing free, with the button disabled', async () => {
  mockApi({ 'GET /api/meters': () => ({ items: [] }) });
  const el = await mount(make());
  $<HTMLButtonElement>(el, 'button')!.click();
  await until(() => $(el, 'form'), 'the form');
  equal($(el, 'form .muted')?.textContent, 'Нет данных', 'empty state');
  assert($<HTMLButtonElement>(el, 'form button[type=submit]')!.disabled, 'attach disabled');
});

test('open(id) chooses that item (a meter just created), and a refusal is shown', async () => {
  mockApi({
    'GET /api/meters': () => ({ items: [{ id: 'm1', serial: 'A' }, { id: 'm9', serial: 'NEW' }] }),
    'PUT /api/meters/m9/premise': () => ({ status: 409, body: { statusCode: 409, error: 'Conflict', message: 'Прибор уже прикреплён' } }),
  });
  const el = await mount(make());
  await el.open('m9');
  await el.updateComplete;
  equal($<HTMLSelectElement>(el, 'form select')!.value, 'm9', 'chosen');
  $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
  await until(() => $(el, '[role=alert]')?.textContent === 'Прибор уже прикреплён', 'the refusal');
  equal($$(el, 'form').length, 1, 'the list stays open');
});
