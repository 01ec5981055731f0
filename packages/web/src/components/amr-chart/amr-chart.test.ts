import { $, assert, equal, mount, test, until } from '../../testing/harness.js';
import './amr-chart.js';

type Plot = { data: number[][]; axes: Array<{ values?: (u: unknown, splits: number[]) => string[] }>; root: HTMLElement };
const plotOf = (el: HTMLElement) => (el as unknown as { plot?: Plot }).plot;

test('draws one bar per label with the values, labelled for screen readers', async () => {
  const el = document.createElement('amr-chart');
  el.labels = ['янв. 2024 г.', 'февр. 2024 г.', 'март 2024 г.'];
  el.values = [5.5, 6.5, 2];
  el.label = 'Потребление по месяцам';
  await mount(el);
  const plot = await until(() => plotOf(el), 'the uPlot instance');
  equal(plot.data, [[0, 1, 2], [5.5, 6.5, 2]], 'chart data');
  equal(plot.axes[0]!.values!(plot, [0, 1, 2]), ['янв. 2024 г.', 'февр. 2024 г.', 'март 2024 г.'], 'x axis labels');
  assert($(el, '.plot canvas'), 'a canvas is drawn');
  equal($(el, '.plot')!.getAttribute('role'), 'img', 'role');
  equal($(el, '.plot')!.getAttribute('aria-label'), 'Потребление по месяцам', 'aria-label');
});

test('redraws with new data instead of stacking a second chart', async () => {
  const el = document.createElement('amr-chart');
  el.labels = ['a', 'b'];
  el.values = [1, 2];
  await mount(el);
  el.labels = ['01.02.2024'];
  el.values = [7];
  await el.updateComplete;
  equal(plotOf(el)!.data, [[0], [7]], 'new data');
  equal($(el, '.plot')!.querySelectorAll('.uplot').length, 1, 'one chart in the element');
});
