import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceType } from '../plugin-api/device-type.js';
import { DEVICE_KINDS } from '../plugin-api/device-type.js';
import type { ConcentratorTarget, KnownMeter, PollReaderDriver, ReadBatch, ReaderDriver } from '../plugin-api/reader-driver.js';
import type { BaseReportParams, ReportDataSource, ReportGenerator, ReportOutput } from '../plugin-api/report-generator.js';
import { createDriverContext, createReportContext } from './contexts.js';

const EXTENSION_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9][a-z0-9._-]*$/;
const KNOWN_UNITS = new Set(['Gcal', 'GJ', 'MJ', 'MWh', 'kWh', 'Wh', 'm3', 'l', 'units', '°C', 'K', 'kW', 'W', 'm3/h', 'l/h', 'V', 'A', 'kvarh', 'h', 'count']);

function instance<T>(x: T | (new () => T)): T {
  return typeof x === 'function' ? new (x as new () => T)() : x;
}

/** A batch with its readings as JSON would carry them (dates as ISO strings, values as strings). */
export function normalizeBatch(batch: ReadBatch): unknown {
  return {
    source: batch.source,
    ...(batch.cursor !== undefined ? { cursor: batch.cursor } : {}),
    readings: batch.readings.map((r) => ({
      ...r,
      takenAt: new Date(r.takenAt).toISOString(),
      values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, String(v)])),
    })),
    problems: batch.problems,
  };
}

/** Checks a device type literal: ids, labels, quantities, units, error texts. */
export function describeDeviceType(type: DeviceType): void {
  describe(`device type ${type.id} (conformance)`, () => {
    it('has an id "<pluginId>.<model>" and labels in Russian and English', () => {
      assert.match(type.id, EXTENSION_ID);
      assert.ok(type.label.ru.trim(), 'label.ru is empty');
      assert.ok(type.label.en.trim(), 'label.en is empty');
    });
    it('has a known kind and a primary quantity among unique quantity keys', () => {
      assert.ok(DEVICE_KINDS.includes(type.kind), `unknown kind ${type.kind}`);
      const keys = type.quantities.map((q) => q.key);
      assert.equal(new Set(keys).size, keys.length, 'quantity keys repeat');
      assert.ok(keys.includes(type.primaryQuantity), 'primaryQuantity is not a quantity key');
    });
    it('names quantities, never units, in its keys and uses known units', () => {
      for (const q of type.quantities) {
        assert.ok(KNOWN_UNITS.has(q.unit), `${q.key}: unknown unit "${q.unit}"`);
        assert.ok(!KNOWN_UNITS.has(q.key), `${q.key}: a key must name the quantity, not the unit`);
      }
    });
    it('has Russian and English texts for every error code', () => {
      for (const [code, text] of Object.entries(type.errorCodes ?? {})) {
        assert.ok(text.ru && text.en, `error code ${code} lacks a text`);
      }
    });
  });
}

export interface DriverFixture {
  /** Folder `test/fixtures/<case>/` holding `input.*` files and `expected.json` (an array of normalized batches). */
  dir: string;
  /** Builds the target for this fixture (e.g. settings pointing at the input file). */
  target(dir: string): ConcentratorTarget;
  meters?: KnownMeter[];
}

export interface ReaderDriverSuite {
  /** Settings that must validate. */
  validSettings: Record<string, unknown>;
  /** Settings that must be refused by the schema. */
  invalidSettings: Record<string, unknown>[];
  /** Folder holding one sub-folder per fixture case; each is read with `target`. */
  fixturesDir?: string;
  target?: (caseDir: string) => ConcentratorTarget;
  meters?: KnownMeter[];
}

async function readAll(driver: PollReaderDriver, target: ConcentratorTarget, meters?: KnownMeter[]): Promise<{ batches: ReadBatch[]; closes: number }> {
  const session = await driver.open(target, createDriverContext({ meters }));
  let closes = 0;
  const close = session.close.bind(session);
  const batches: ReadBatch[] = [];
  try {
    for await (const batch of session.read()) batches.push(batch);
  } finally {
    await close();
    closes++;
  }
  return { batches, closes };
}

/**
 * Checks a reader driver against its contract: extension id, settings schema, and for each
 * fixture case the exact batches of `expected.json`, stable source keys (re-reading is a
 * no-op) and problems as data.
 */
export function describeReaderDriver(driverOrClass: ReaderDriver | (new () => ReaderDriver), suite: ReaderDriverSuite): void {
  const driver = instance(driverOrClass);
  describe(`reader driver ${driver.id} (conformance)`, () => {
    it('has an id "<pluginId>.<name>", labels, a mode and device types', () => {
      assert.match(driver.id, EXTENSION_ID);
      assert.ok(driver.label.ru && driver.label.en);
      assert.ok(driver.mode === 'poll' || driver.mode === 'push');
      assert.ok(driver.deviceTypes.length > 0, 'declares no device types');
      if (driver.mode === 'poll') assert.equal(typeof driver.open, 'function');
      else assert.equal(typeof driver.listen, 'function');
    });
    it('accepts valid settings and refuses invalid ones', () => {
      const ok = driver.settingsSchema.validate(suite.validSettings);
      assert.equal(ok.error, undefined, ok.error?.message);
      for (const bad of suite.invalidSettings) {
        assert.ok(driver.settingsSchema.validate(bad).error, `settings ${JSON.stringify(bad)} were accepted`);
      }
    });
    if (suite.fixturesDir && suite.target && driver.mode === 'poll') {
      const cases = existsSync(suite.fixturesDir) ? readdirSync(suite.fixturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
      it('ships at least one fixture case', () => assert.ok(cases.length > 0, `no fixture folders in ${suite.fixturesDir}`));
      for (const c of cases) {
        const dir = join(suite.fixturesDir, c.name);
        it(`reads fixture "${c.name}" exactly as expected.json says`, async () => {
          const { batches, closes } = await readAll(driver, suite.target!(dir), suite.meters);
          assert.equal(closes, 1);
          const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
          assert.deepEqual(JSON.parse(JSON.stringify(batches.map(normalizeBatch))), expected);
        });
        it(`gives fixture "${c.name}" unique source keys that stay the same when read again`, async () => {
          const first = (await readAll(driver, suite.target!(dir), suite.meters)).batches.flatMap((b) => b.readings.map((r) => r.sourceKey));
          const second = (await readAll(driver, suite.target!(dir), suite.meters)).batches.flatMap((b) => b.readings.map((r) => r.sourceKey));
          assert.equal(new Set(first).size, first.length, 'source keys repeat within one read');
          assert.deepEqual(second, first);
        });
      }
    }
  });
}

export interface ReportGeneratorSuite<P extends BaseReportParams> {
  params: P;
  data: ReportDataSource;
  /** Optional check of the generated output. */
  check?: (output: ReportOutput, format: string) => void | Promise<void>;
  /**
   * The premises (their numbers) an output lists, for the check that `premiseIds` restricts
   * it (F24); the suite's data must have at least two of them in the output of `params`.
   */
  premisesOf?: (output: ReportOutput, format: string) => string[];
  /** The exact file name of each format, e.g. «С 2024-03-01 по 2024-03-31 <building>.xlsx». */
  fileName?: (format: string) => string;
  /**
   * A node with the report's plugin loaded (e.g. a TestApp) and a session cookie: refused
   * params are also posted to `POST /api/reports/{id}`, which must answer 400 naming the field.
   */
  http?: () => { inject(options: { method: string; url: string; payload?: unknown; cookie?: string }): Promise<{ statusCode: number; payload: string; json(): any }>; cookie?: string };
}

/** The media type each standard format must be served with. */
const MEDIA_TYPES: Record<string, RegExp> = {
  xlsx: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet$/,
  csv: /^text\/csv; ?charset=utf-8$/i,
  json: /^application\/json(; ?charset=utf-8)?$/i,
};

const dayAfter = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Params the base schema must refuse, and the field each must be refused for. */
function refusedParams(params: BaseReportParams): Array<{ what: string; params: Record<string, unknown>; field: string }> {
  const { buildingId: _b, ...noBuilding } = params;
  return [
    { what: 'without buildingId', params: noBuilding, field: 'buildingId' },
    { what: 'buildingId = "42"', params: { ...params, buildingId: '42' }, field: 'buildingId' },
    { what: 'from = 2024-13-45', params: { ...params, from: '2024-13-45' }, field: 'from' },
    { what: 'to = 2024-02-30', params: { ...params, to: '2024-02-30' }, field: 'to' },
    { what: 'premiseIds = ["not-a-uuid"]', params: { ...params, premiseIds: ['not-a-uuid'] }, field: 'premiseIds' },
    { what: 'premiseIds = []', params: { ...params, premiseIds: [] }, field: 'premiseIds' },
    { what: 'format = "pdf"', params: { ...params, format: 'pdf' }, field: 'format' },
  ];
}

/** The same params with a period that ends before it starts. */
function reversed<P extends BaseReportParams>(params: P): P {
  return params.from < params.to ? { ...params, from: params.to, to: params.from } : { ...params, from: dayAfter(params.to) };
}

function isInputError(err: unknown): err is { kind: 'input'; details: { field?: string } } {
  return !!err && typeof err === 'object' && (err as { kind?: unknown }).kind === 'input';
}

/**
 * Checks a report generator: id, params schema (F24 base params) refusing bad params with the
 * field named (also over HTTP when the suite gives a node), a period that ends before it
 * starts refused as an InputError naming `from` or `to`, `premiseIds` restricting the output,
 * and every declared format generated with its media type, file name and content. Pass the
 * suite as a function when its data is made in a `before()` hook.
 */
export function describeReportGenerator<P extends BaseReportParams>(
  genOrClass: ReportGenerator<P> | (new () => ReportGenerator<P>),
  suiteOrFactory: ReportGeneratorSuite<P> | (() => ReportGeneratorSuite<P>),
): void {
  const gen = instance(genOrClass);
  const suite = () => (typeof suiteOrFactory === 'function' ? suiteOrFactory() : suiteOrFactory);
  const run = (params: object, data: ReportDataSource) => gen.generate(gen.paramsSchema.validate(params).value as P, createReportContext(data));
  describe(`report generator ${gen.id} (conformance)`, () => {
    it('has an id "<pluginId>.<name>", labels and formats', () => {
      assert.match(gen.id, EXTENSION_ID);
      assert.ok(gen.label.ru && gen.label.en);
      assert.ok(gen.formats.length > 0);
    });
    it('takes the base parameters and refuses bad ones naming the field', () => {
      const { params } = suite();
      assert.equal(gen.paramsSchema.validate(params).error, undefined);
      for (const bad of refusedParams(params)) {
        const { error } = gen.paramsSchema.validate(bad.params, { abortEarly: true });
        assert.ok(error, `accepted params ${bad.what}`);
        assert.equal(String(error.details[0]!.path[0]), bad.field, `params ${bad.what}: refused for ${error.details[0]!.path.join('.')}, not ${bad.field}`);
      }
    });
    it('refuses a period that ends before it starts with an InputError naming from or to', async () => {
      const { params, data } = suite();
      const err = await run(reversed(params), data).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err, `generated a report for ${reversed(params).from} … ${reversed(params).to}`);
      assert.ok(isInputError(err), `threw ${(err as Error).name}, not an InputError: ${(err as Error).message}`);
      assert.ok(err.details.field === 'from' || err.details.field === 'to', `the InputError names field ${err.details.field}, not from or to`);
    });
    it('answers 400 naming the field for refused params over HTTP', async function () {
      const { params, http } = suite();
      if (!http) return this.skip();
      const { inject, cookie } = http();
      for (const bad of [...refusedParams(params), { what: 'a period that ends before it starts', params: reversed(params) as Record<string, unknown>, field: 'from|to' }]) {
        const res = await inject({ method: 'POST', url: `/api/reports/${gen.id}`, cookie, payload: bad.params });
        assert.equal(res.statusCode, 400, `params ${bad.what}: ${res.statusCode} ${res.payload}`);
        const field = String(res.json().details?.field ?? '').split('.')[0]!;
        assert.ok(bad.field.split('|').includes(field), `params ${bad.what}: the answer names field "${field}", not ${bad.field}`);
      }
    });
    it('lists only the premises of premiseIds (F24)', async function () {
      const { params, data, premisesOf } = suite();
      if (!premisesOf) return this.skip();
      const format = String(params.format ?? gen.formats[0]);
      const all = [...new Set(premisesOf(await run(params, data), format))];
      assert.ok(all.length >= 2, `the suite's output lists ${all.length} premise(s): give it data of at least two`);
      const ids = new Map((await data.premises(params.buildingId)).map((p) => [p.number, p.id]));
      for (const number of [all[0]!, all[all.length - 1]!]) {
        const only = premisesOf(await run({ ...params, premiseIds: [ids.get(number)!] }, data), format);
        assert.ok(only.length > 0, `premiseIds = [${number}]: the output lists no premise`);
        assert.deepEqual([...new Set(only)], [number], `premiseIds = [${number}]: the output lists ${[...new Set(only)].join(', ')}`);
      }
    });
    const names = new Map<string, string>();
    for (const format of gen.formats) {
      it(`generates ${format} with its media type, file name and content`, async () => {
        const { params: base, data, check, fileName } = suite();
        const out = await run({ ...base, format }, data);
        assert.ok(out.fileName.endsWith(`.${format}`), `file name ${out.fileName} does not end with .${format}`);
        assert.doesNotMatch(out.fileName, /[\\/\u0000-\u001f]/, `file name ${JSON.stringify(out.fileName)} has a path separator or a control character`);
        if (fileName) assert.equal(out.fileName, fileName(format));
        const media = MEDIA_TYPES[format];
        if (media) assert.match(out.mediaType, media, `${format} served as ${out.mediaType}`);
        else assert.ok(out.mediaType);
        assert.ok(out.content.length > 0);
        const bytes = typeof out.content === 'string' ? Buffer.from(out.content, 'utf8') : out.content;
        if (format === 'xlsx') assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04', 'the xlsx is not a zip file');
        if (format === 'json') assert.doesNotThrow(() => JSON.parse(bytes.toString('utf8')), 'the json does not parse');
        if (format === 'csv') assert.ok(!bytes.toString('utf8').includes('\uFFFD'), 'the csv is not UTF-8');
        assert.ok(Array.isArray(out.warnings));
        names.set(format, out.fileName.slice(0, -format.length - 1));
        await check?.(out, format);
      });
    }
    if (gen.formats.length > 1) {
      it('names every format alike but for the extension', function () {
        if (names.size < gen.formats.length) return this.skip();
        assert.equal(new Set(names.values()).size, 1, `file names differ: ${[...names.values()].join(' | ')}`);
      });
    }
  });
}
