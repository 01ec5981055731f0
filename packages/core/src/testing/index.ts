/** Test helpers for OpenAMR and its plugins (`@openamr/core/testing`). */
export { createTestApp, TEST_ADMIN, type TestApp, type TestAppOptions, type TestResponse } from './test-app.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { createDriverContext, createReportContext, createMemoryLogger } from './contexts.js';
export { describeDeviceType, describeReaderDriver, describeReportGenerator, normalizeBatch } from './conformance.js';
export { createReportDataSource } from '../services/report-data-source.js';
export { multipart } from './multipart.js';
export { freePort, waitForHealth } from './processes.js';
export { runCli, type CliRun } from './cli.js';
export { DEMO_BUILDING, DEMO_METERS, DEMO_MONTHLY_HEAT, DEMO_PREMISES, type DemoMeter } from '../demo/demo-data.js';
export {
  assertWorkbookCells,
  describeReportFixtures,
  loadReportFixture,
  readReportFixture,
  readWorkbook,
  type FixtureMeter,
  type FixtureReading,
  type LoadedReportFixture,
  type ReportFixtureInput,
  type ReportFixturesSuite,
  type WorkbookCell,
} from './report-fixture.js';
