/** Plugin packages that ship with OpenAMR; the default list loads those that are installed. */
export const BUNDLED_PLUGINS: readonly string[] = [
  '@openamr/report-allocators',
  '@openamr/report-water',
  '@openamr/report-heat-meters',
  '@openamr/report-technical',
  '@openamr/plugin-ftp',
  '@openamr/plugin-mbus',
  '@openamr/plugin-modbus',
  '@openamr/plugin-mesh',
  '@openamr/plugin-example',
];
