import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceType } from '../plugin-api/device-type.js';
import { DEVICE_KINDS } from '../plugin-api/device-type.js';
import type { ConcentratorTarget, KnownMeter, PollReaderDriver, ReadBatch, ReaderDriver } from '../plugin-api/reader-driver.js';
import type { BaseReportParams, ReportDataSource, ReportGenerator } from '../plugin-api/report-generator.js';
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
  check?: (output: { fileName: string; mediaType: string; content: Buffer | string }, format: string) => void | Promise<void>;
}

/**
 * Checks a report generator: id, params schema (F24 base params), and that every declared
 * format generates. Pass the suite as a function when its data is made in a `before()` hook.
 */
export function describeReportGenerator<P extends BaseReportParams>(
  genOrClass: ReportGenerator<P> | (new () => ReportGenerator<P>),
  suiteOrFactory: ReportGeneratorSuite<P> | (() => ReportGeneratorSuite<P>),
): void {
  const gen = instance(genOrClass);
  const suite = () => (typeof suiteOrFactory === 'function' ? suiteOrFactory() : suiteOrFactory);
  describe(`report generator ${gen.id} (conformance)`, () => {
    it('has an id "<pluginId>.<name>", labels and formats', () => {
      assert.match(gen.id, EXTENSION_ID);
      assert.ok(gen.label.ru && gen.label.en);
      assert.ok(gen.formats.length > 0);
    });
    it('takes the base parameters and refuses a missing buildingId, a bad date or a bad premise id', () => {
      const { params } = suite();
      assert.equal(gen.paramsSchema.validate(params).error, undefined);
      const { buildingId: _b, ...noBuilding } = params;
      assert.ok(gen.paramsSchema.validate(noBuilding).error, 'accepted params without buildingId');
      assert.ok(gen.paramsSchema.validate({ ...params, from: '2024-13-45' }).error, 'accepted from = 2024-13-45');
      assert.ok(gen.paramsSchema.validate({ ...params, premiseIds: ['not-a-uuid'] }).error, 'accepted premiseIds: ["not-a-uuid"]');
    });
    for (const format of gen.formats) {
      it(`generates ${format} with a file name, a media type and content`, async () => {
        const { params: base, data, check } = suite();
        const params = gen.paramsSchema.validate({ ...base, format }).value as P;
        const out = await gen.generate(params, createReportContext(data));
        assert.ok(out.fileName.endsWith(`.${format}`), `file name ${out.fileName} does not end with .${format}`);
        assert.ok(out.mediaType);
        assert.ok(out.content.length > 0);
        assert.ok(Array.isArray(out.warnings));
        await check?.(out, format);
      });
    }
  });
}
