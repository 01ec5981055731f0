/**
 * The plugin API of OpenAMR: everything a plugin package may import from the core
 * (`@openamr/core/plugin-api`). See docs/plugin-guide.md.
 */
export * from './errors.js';
export * from './device-type.js';
export * from './reader-driver.js';
export * from './report-generator.js';
export * from './web-part.js';
export * from './command.js';
export * from './service-refs.js';
export * from './define-plugin.js';
export * from './report-params.js';
export * from './readings-file.js';
export * from './report-output.js';
export { writeXlsx, type XlsxRow, type XlsxSheet, type XlsxStyle, type XlsxValue } from './xlsx-writer.js';
export * from './meter-consumption.js';
export { CORE_VERSION } from '../version.js';
