import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import type { PluginEntry } from '../config/config.js';
import { ensureReadingPartitions } from '../services/readings/reading-partitions.js';
import { createTestApp, type TestApp } from './test-app.js';

/** A reading of a fixture meter: `[day, value]` or `[day, value, { values, errorCode, via }]`. */
export type FixtureReading = [day: string, value: string | null, extra?: { values?: Record<string, string>; errorCode?: string; unit?: string; via?: string }];

export interface FixtureMeter {
  serial: string;
  /** A device type id, e.g. `core.water-meter`. */
  deviceType: string;
  waterMedium?: 'hot' | 'cold';
  installedOn?: string;
  decommissionedOn?: string;
  /** The readings' unit (a reading may name its own). */
  unit?: string;
  readings: FixtureReading[];
}

/**
 * A report fixture's registry and readings as data (`test/fixtures/<case>/input.json`): one
 * building, its premises and meters with their readings, the building heat meter's readings,
 * and concentrators with their poll runs (`via` in a reading names the concentrator whose
 * first poll run delivered it).
 */
export interface ReportFixtureInput {
  building: { name: string; address?: string; timeZone?: string };
  heatReadings?: Array<[day: string, value: string, unit?: string]>;
  concentrators?: Array<{ key: string; name?: string; type: string; host?: string; driverId: string; polls: Array<{ startedAt: string; outcome: string }> }>;
  premises: Array<{ number: string; area?: string; kind?: 'residential' | 'non-residential'; meters: FixtureMeter[] }>;
  /** The report's parameters; `premises` (numbers) become `premiseIds`. */
  params: { from: string; to: string; premises?: string[]; [key: string]: unknown };
}

export interface LoadedReportFixture {
  buildingId: string;
  premiseIds: Map<string, string>;
  concentratorIds: Map<string, string>;
  /** The report parameters with ids: `{ buildingId, from, to, premiseIds?, … }`. */
  params: Record<string, unknown>;
}

/** Reads `input.json` of a fixture folder. */
export function readReportFixture(dir: string): ReportFixtureInput {
  return JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
}

/** Writes a fixture's building, premises, meters, readings, heat readings and poll runs straight into the database. */
export async function loadReportFixture(db: Knex, input: ReportFixtureInput): Promise<LoadedReportFixture> {
  const timeZone = input.building.timeZone ?? 'Europe/Moscow';
  await ensureReadingPartitions(db, input.premises.flatMap((p) => p.meters.flatMap((m) => m.readings.map(([d]) => d))));
  return db.transaction(async (trx) => {
    const [{ id: buildingId }] = await trx('buildings').insert({ name: input.building.name, address: input.building.address ?? null, time_zone: timeZone }).returning('id');
    if (input.heatReadings?.length) {
      await trx('building_heat_readings').insert(input.heatReadings.map(([day, value, unit]) => ({ building_id: buildingId, day, value, unit: unit ?? 'Gcal' })));
    }
    const concentratorIds = new Map<string, string>();
    const firstRun = new Map<string, string>();
    for (const c of input.concentrators ?? []) {
      const [{ id }] = await trx('concentrators').insert({ building_id: buildingId, name: c.name ?? null, type: c.type, host: c.host ?? null, driver_id: c.driverId }).returning('id');
      concentratorIds.set(c.key, id);
      for (const [i, p] of c.polls.entries()) {
        const [{ id: runId }] = await trx('poll_runs').insert({ concentrator_id: id, trigger: 'manual', started_at: p.startedAt, finished_at: p.startedAt, outcome: p.outcome }).returning('id');
        if (i === 0) firstRun.set(c.key, runId);
      }
    }
    const premiseIds = new Map<string, string>();
    for (const p of input.premises) {
      const [{ id: premiseId }] = await trx('premises').insert({ building_id: buildingId, number: p.number, area: p.area ?? '50.0', kind: p.kind ?? 'residential' }).returning('id');
      premiseIds.set(p.number, premiseId);
      for (const m of p.meters) {
        const [{ id: meterId }] = await trx('meters')
          .insert({ serial: m.serial, device_type_id: m.deviceType, premise_id: premiseId, installed_on: m.installedOn ?? null, decommissioned_on: m.decommissionedOn ?? null, water_medium: m.waterMedium ?? null })
          .returning('id');
        if (!m.readings.length) continue;
        await trx('readings').insert(
          m.readings.map(([day, value, extra]) => {
            if (extra?.via && !firstRun.has(extra.via)) throw new Error(`fixture: reading of ${m.serial} on ${day} comes via unknown concentrator ${extra.via}`);
            return {
              meter_id: meterId,
              day,
              taken_at: trx.raw('(?::date)::timestamp at time zone ?', [day, timeZone]),
              value,
              unit: extra?.unit ?? m.unit ?? null,
              values: extra?.values ? JSON.stringify(extra.values) : null,
              error_code: extra?.errorCode ?? null,
              source: extra?.via ? 'poll' : 'manual',
              source_key: `fixture:${m.serial}:${m.installedOn ?? ''}:${day}`,
              poll_run_id: extra?.via ? firstRun.get(extra.via) : null,
            };
          }),
        );
      }
    }
    const { premises, ...rest } = input.params;
    const params: Record<string, unknown> = { buildingId, ...rest };
    if (premises) {
      params.premiseIds = premises.map((n) => {
        const id = premiseIds.get(n);
        if (!id) throw new Error(`fixture: params name premise ${n}, which the fixture does not have`);
        return id;
      });
    }
    return { buildingId, premiseIds, concentratorIds, params };
  });
}

/** A cell as read back: a string, a number, a boolean or null (empty). */
export type WorkbookCell = string | number | boolean | null;

/** Every sheet of a workbook as rows of cell values (row 1 first; empty rows are `[]`, trailing empty cells dropped). */
export async function readWorkbook(content: Buffer | Uint8Array): Promise<Record<string, WorkbookCell[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(content as never);
  const out: Record<string, WorkbookCell[][]> = {};
  wb.eachSheet((ws) => {
    const rows: WorkbookCell[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: WorkbookCell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const v = cell.value;
        cells[c - 1] = v === null || v === undefined ? null : typeof v === 'object' ? String((v as { text?: string }).text ?? JSON.stringify(v)) : (v as WorkbookCell);
      });
      for (let c = 0; c < cells.length; c++) cells[c] ??= null;
      while (cells.length && cells[cells.length - 1] === null) cells.pop();
      rows[n - 1] = cells;
    });
    for (let r = 0; r < rows.length; r++) rows[r] ??= [];
    out[ws.name] = rows;
  });
  return out;
}

const cellName = (row: number, col: number) => {
  let letters = '';
  for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) letters = String.fromCharCode(65 + ((c - 1) % 26)) + letters;
  return `${letters}${row + 1}`;
};

/**
 * Compares a workbook read back with the expected cell values sheet by sheet, cell by cell
 * (`expected`: sheet name → rows of cells, as `readWorkbook` gives them); the first cell that
 * differs is named, e.g. `Приборы!H7`.
 */
export function assertWorkbookCells(actual: Record<string, WorkbookCell[][]>, expected: Record<string, WorkbookCell[][]>): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), 'sheet names');
  for (const [sheet, rows] of Object.entries(expected)) {
    const got = actual[sheet]!;
    for (let r = 0; r < Math.max(rows.length, got.length); r++) {
      const want = rows[r] ?? [];
      const have = got[r] ?? [];
      for (let c = 0; c < Math.max(want.length, have.length); c++) {
        assert.deepEqual(have[c] ?? null, want[c] ?? null, `${sheet}!${cellName(r, c)}: got ${JSON.stringify(have[c] ?? null)}, expected ${JSON.stringify(want[c] ?? null)}`);
      }
    }
  }
}

/**
 * Expected values with the ids the database gave: the strings `$building`,
 * `$premise:<number>` and `$concentrator:<key>` become the loaded fixture's ids.
 */
export function resolveIds(value: unknown, loaded: LoadedReportFixture): unknown {
  if (typeof value === 'string') {
    if (value === '$building') return loaded.buildingId;
    const m = /^\$(premise|concentrator):(.+)$/.exec(value);
    if (!m) return value;
    const id = (m[1] === 'premise' ? loaded.premiseIds : loaded.concentratorIds).get(m[2]!);
    if (!id) throw new Error(`fixture: expected.json names ${value}, which input.json does not have`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => resolveIds(v, loaded));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIds(v, loaded)]));
  return value;
}

export interface ReportFixturesSuite {
  /** The report generator's id, e.g. `water.consumption`. */
  generatorId: string;
  /** The plugins the test node loads (the report's own package, and what the fixtures need). */
  plugins: PluginEntry[];
  /**
   * Folder holding one sub-folder per case: `input.json` (a {@link ReportFixtureInput}),
   * `expected-workbook.json` (sheet name → rows of cell values) and optionally
   * `expected.json` (`{ fileName?, warnings, explanation }` of the JSON format; ids as
   * `$building`, `$premise:<number>`, `$concentrator:<key>`).
   */
  fixturesDir: string;
}

/**
 * Runs a report's fixture cases through a whole node: each case's input is loaded on a
 * fresh database, the report generated with `POST /api/reports/{id}` as an operator, and
 * the workbook read back (also from the archive) compared cell by cell with
 * `expected-workbook.json`; the JSON format's explanation and warnings with `expected.json`.
 */
export function describeReportFixtures(suite: ReportFixturesSuite): void {
  const cases = existsSync(suite.fixturesDir) ? readdirSync(suite.fixturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  describe(`report ${suite.generatorId} (fixtures)`, () => {
    it('ships at least one fixture case', () => assert.ok(cases.length > 0, `no fixture folders in ${suite.fixturesDir}`));
    for (const name of cases) {
      const dir = join(suite.fixturesDir, name);
      describe(name, () => {
        let app: TestApp;
        let cookie: string;
        let loaded: LoadedReportFixture;
        const expected = () => (existsSync(join(dir, 'expected.json')) ? JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) : undefined);
        before(async () => {
          app = await createTestApp({ plugins: suite.plugins });
          loaded = await loadReportFixture(app.database.knex, readReportFixture(dir));
          cookie = (await app.loginAs('operator'))!;
        });
        after(() => app?.close());
        const generate = (format: string, download: boolean) =>
          app.inject({ method: 'POST', url: `/api/reports/${suite.generatorId}${download ? '?download=true' : ''}`, cookie, payload: { ...loaded.params, format } });

        it('writes the workbook of expected-workbook.json, cell by cell, and archives it', async () => {
          const res = await generate('xlsx', true);
          assert.equal(res.statusCode, 201, res.payload);
          const fileName = expected()?.fileName;
          if (fileName) assert.equal(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]), fileName);
          const want = JSON.parse(readFileSync(join(dir, 'expected-workbook.json'), 'utf8'));
          assertWorkbookCells(await readWorkbook(res.rawPayload), want);
          const archived = await app.inject({ method: 'GET', url: `/api/report-runs/${res.headers['x-report-run-id']}/file`, cookie });
          assert.equal(archived.statusCode, 200);
          assert.ok(archived.rawPayload.equals(res.rawPayload), 'the archived file differs from the one downloaded');
        });

        it('explains the rows and warns as expected.json says', async function () {
          const want = expected();
          if (!want) return this.skip();
          const res = await generate('json', false);
          assert.equal(res.statusCode, 201, res.payload);
          const run = res.json();
          assert.deepEqual(run.warnings, resolveIds(want.warnings, loaded));
          assert.deepEqual(run.explanation, resolveIds(want.explanation, loaded));
        });
      });
    }
  });
}
