import { $, $$, assert, equal, mockApi, mount, test, until } from '../../testing/harness.js';
import { setLang } from '../../i18n.js';
import './amr-building-card.js';

const BUILDING = { id: 'b1', name: 'ул. Тестовая, 5', address: 'г. Пермь', totalArea: null, notes: null, timeZone: 'Europe/Moscow' };
const premise = (i: number) => ({
  id: `p${i}`,
  number: `Кв.${i}`,
  floor: 1 + (i % 9),
  entrance: 1,
  area: '40.0',
  accountNumber: `LS-${i}`,
  kind: i % 2 ? 'residential' : 'non-residential',
  acceptanceDate: i === 1 ? '2023-06-15' : null,
  meters: i === 1 ? [{ id: 'm1', serial: 'W-1', deviceTypeId: 'core.water-meter', state: 'error' }] : [],
  metersCount: i === 1 ? 1 : 0,
});

function building(count: number) {
  const all = Array.from({ length: count }, (_, i) => premise(i + 1));
  return mockApi({
    'GET /api/preferences/building.premises.columns': () => ({ value: null }),
    'GET /api/buildings/b1': () => BUILDING,
    'GET /api/buildings/b1/premises': (_c, q) => {
      const offset = Number(q.get('offset') ?? 0);
      return { total: all.length, items: all.slice(offset, offset + Number(q.get('limit'))) };
    },
  });
}

async function card(role: 'operator' | 'manager' = 'manager') {
  setLang('ru');
  const el = document.createElement('amr-building-card');
  el.me = { id: 'u', email: 'u@test.local', role };
  el.buildingId = 'b1';
  return mount(el);
}

const rows = (el: HTMLElement) => $$<HTMLTableRowElement>(el, 'table[aria-label="Помещения"] tbody tr.row');

test('reads 1,500 premises page by page (never cut at the API\'s 1000) and keeps only the rows near the viewport in the DOM', async () => {
  const calls = building(1500);
  const el = await card();
  await until(() => rows(el).length, 'the first rows');
  equal(calls.filter((c) => c.path.startsWith('/api/buildings/b1/premises')).map((c) => new URLSearchParams(c.path.split('?')[1]).get('offset')), ['0', '1000'], 'pages asked');
  equal($(el, 'table[aria-label="Помещения"]')!.getAttribute('aria-rowcount'), '1501', 'aria-rowcount');
  assert(rows(el).length < 60, `rows in the DOM at the top: ${rows(el).length}`);
  equal(rows(el)[0]!.cells[0]!.textContent!.trim(), 'Кв.1', 'first row');
  const box = $(el, '.scroller')!;
  box.scrollTop = box.scrollHeight;
  await until(() => rows(el).at(-1)?.cells[0]?.textContent?.trim() === 'Кв.1500', 'the last premise after scrolling');
  assert(rows(el).length < 60, `rows in the DOM at the bottom: ${rows(el).length}`);
  equal(rows(el).at(-1)!.getAttribute('aria-rowindex'), '1501', 'last row index');
  // The spacers keep the scroll height of the whole list.
  assert(box.scrollHeight > 1500 * 30, `scroll height ${box.scrollHeight}`);
});

test('starts again at the top after another tab, not at a blank spacer', async () => {
  building(300);
  const el = await card();
  await until(() => rows(el).length, 'the first rows');
  const box = $(el, '.scroller')!;
  box.scrollTop = 200 * 34;
  await until(() => rows(el)[0]?.cells[0]?.textContent?.trim() !== 'Кв.1', 'the window moved');
  const tab = (name: string) => $$<HTMLButtonElement>(el, '[role=tab]').find((b) => b.textContent!.trim() === name)!;
  tab('Показания ОДПУ').click();
  await until(() => $(el, 'table[aria-label="Показания ОДПУ"]'), 'the ОДПУ tab');
  tab('Помещения').click();
  await until(() => rows(el)[0]?.cells[0]?.textContent?.trim() === 'Кв.1', 'Кв.1 first again');
  equal($(el, '.scroller')!.scrollTop, 0, 'scrollTop');
  assert(!$(el, 'tr.spacer:first-child'), 'no spacer above the first row');
});

test('shows the manual\'s columns: acceptance date dd.mm.yyyy, kind in words, serials coloured by state, number of meters', async () => {
  building(3);
  const el = await card();
  await until(() => rows(el).length === 3, 'three rows');
  equal($$(el, 'thead th').map((th) => th.textContent!.trim()), ['Номер', 'Этаж', 'Подъезд', 'Площадь, м²', 'Лицевой счёт', 'Дата акта приема', 'Тип', 'Приборы учёта', 'Приборов'], 'columns');
  const first = [...rows(el)[0]!.cells].map((c) => c.textContent!.trim());
  equal(first, ['Кв.1', '2', '1', '40.0', 'LS-1', '15.06.2023', 'Жилое', 'W-1', '1'], 'first row');
  equal(rows(el)[1]!.cells[6]!.textContent!.trim(), 'Нежилое', 'kind');
  assert($(el, 'a.serial.state-error'), 'the serial is marked as an error');
});

test('selects with a click, a range with Shift, toggles with Ctrl, and offers to detach the selection', async () => {
  building(5);
  const el = await card();
  await until(() => rows(el).length === 5, 'five rows');
  const click = (i: number, init: MouseEventInit = {}) => rows(el)[i]!.cells[2]!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...init }));
  click(0);
  click(3, { shiftKey: true });
  await el.updateComplete;
  equal(rows(el).map((r) => r.getAttribute('aria-selected')), ['true', 'true', 'true', 'true', 'false'], 'after Shift');
  click(1, { ctrlKey: true });
  await el.updateComplete;
  equal(rows(el).map((r) => r.getAttribute('aria-selected')), ['true', 'false', 'true', 'true', 'false'], 'after Ctrl');
  assert($$<HTMLButtonElement>(el, 'button').some((b) => b.textContent === 'Открепить от объекта'), 'detach offered');
});

test('shows loading, then «Нет данных» for an empty building, and no edit control to an operator', async () => {
  building(0);
  const el = await card('operator');
  await until(() => $(el, 'tbody td.muted')?.textContent === 'Нет данных', 'the empty state');
  const labels = $$<HTMLButtonElement>(el, 'button').map((b) => b.textContent!.trim());
  for (const edit of ['Редактировать', 'Добавить', 'Прикрепить свободное помещение']) assert(!labels.includes(edit), `an operator sees «${edit}»`);
});
