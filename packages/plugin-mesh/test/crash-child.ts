/**
 * A listener that dies mid-store: it tells its parent (IPC) when it has subscribed and each
 * time a batch reaches the store, and the store never finishes; the parent kills it with
 * SIGKILL. Run by driver.spec.ts.
 */
import type { DriverContext, Logger } from '@openamr/core/plugin-api';
import { MeshGatewayDriver } from '../src/index.js';

const [url, gatewayId, clientId] = process.argv.slice(2) as [string, string, string];
const tell = (m: unknown) => process.send!(m);
const logger: Logger = {
  debug: () => undefined,
  info: (_obj: unknown, msg?: string) => void (msg === 'MQTT subscribed' && tell({ subscribed: true })),
  warn: () => undefined,
  error: () => undefined,
  child: () => logger,
};
const ctx = { signal: new AbortController().signal, logger, services: {}, knownMeters: async () => [] } as unknown as DriverContext;
const d = new MeshGatewayDriver();
const settings = d.settingsSchema.validate({ url, gatewayId, clientId }).value!;
await d.listen(
  { id: 'crash', buildingId: 'b', type: 't', settings, timeZone: 'UTC' },
  { store: (batch) => (tell({ stored: batch.readings.map((r) => r.sourceKey) }), new Promise(() => undefined)) },
  ctx,
);
