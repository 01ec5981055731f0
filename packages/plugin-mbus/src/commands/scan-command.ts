import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { scanPrimary, scanSecondary } from '../wire/scan.js';
import { MbusTcpClient } from '../wire/link.js';
import { KNOWN_MANUFACTURERS } from '../device-types/index.js';

/**
 * `openamr mbus scan --host H [--port 10001] [--secondary] [--timeout 200]`: lists the meters
 * on a bus behind a TCP gateway as JSON — ready to paste into a concentrator's `meters`.
 */
export const scanCommand: CliCommand = {
  name: 'mbus scan',
  describe: 'Find the meters on an M-Bus behind a TCP gateway (primary 0–250, or --secondary wildcard search)',
  options: {
    host: { type: 'string', describe: 'The gateway host' },
    port: { type: 'string', describe: 'The gateway port', default: '10001' },
    secondary: { type: 'boolean', describe: 'Search by secondary address instead of primary' },
    timeout: { type: 'string', describe: 'Wait per request, ms', default: '200' },
  },
  async run(args, ctx) {
    if (!args.options.host) throw new InputError({ ru: 'Укажите адрес шлюза: --host', en: 'Give the gateway: --host' }, { field: 'host' });
    const client = new MbusTcpClient(String(args.options.host), Number(args.options.port), new AbortController().signal);
    await client.open(3000);
    try {
      const timeout = Number(args.options.timeout);
      const unresolved = (mask: string) => void ctx.stderr.write(`several meters answer ${mask} together and cannot be told apart\n`);
      const found = args.options.secondary
        ? await scanSecondary(client, timeout, { manufacturers: KNOWN_MANUFACTURERS, onUnresolved: unresolved })
        : await scanPrimary(client, timeout, (a) => a % 50 === 0 && ctx.stderr.write(`address ${a}…\n`));
      ctx.stdout.write(JSON.stringify({ meters: found.map((m) => ({ ...(m.address !== undefined ? { address: m.address } : { secondary: m.secondary }), serial: m.slave.id, manufacturer: m.slave.manufacturer, medium: m.slave.medium })) }, null, 2) + '\n');
      return 0;
    } finally {
      client.close();
    }
  },
};
