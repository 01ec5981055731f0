/** Small builders for hand-computed cases. */
export type Reading = [date: string, value: number | string];

export function allocator(serial: string, coefficient: number | string, readings: Reading[], extra: Record<string, unknown> = {}) {
  return { serial, coefficient, readings: readings.map(([date, value]) => ({ date, value })), ...extra };
}

export function heatMeter(serial: string, unit: string, readings: Reading[], extra: Record<string, unknown> = {}) {
  return { serial, unit, readings: readings.map(([date, value]) => ({ date, value })), ...extra };
}

export function premise(id: string, area: number | string, allocators: unknown[] = [], extra: Record<string, unknown> = {}) {
  return { id, kind: 'residential', area, allocators, ...extra };
}

/** A January 2024 building with 10 Gcal from the building meter unless overridden. */
export function building(premises: unknown[], over: Record<string, any> = {}) {
  return {
    building: 'Тестовый дом',
    period: { from: '2024-01-01', to: '2024-01-31' },
    buildingMeter: { unit: 'Gcal', readings: [{ date: '2024-01-01', value: 100 }, { date: '2024-02-01', value: 110 }] },
    norms: [{ kind: 'residential', from: '2020-01-01', value: 0.02 }, { kind: 'non-residential', from: '2020-01-01', value: 0.03 }],
    ...over,
    options: { byNorm: false, majority: true, manualHeatGcal: null, ...over.options },
    premises,
  };
}

/** An allocator with readings on both January boundary days. */
export function good(serial: string, coefficient: number | string, delta: number | string) {
  return allocator(serial, coefficient, [['2024-01-01', 1000], ['2024-02-01', (1000 + Number(delta)).toString()]]);
}

/** An allocator that did not report in January (no end reading). */
export function silent(serial: string, coefficient: number | string) {
  return allocator(serial, coefficient, [['2024-01-01', 1000]]);
}
