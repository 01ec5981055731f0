import Joi from 'joi';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, type CliCommand } from '@openamr/core/plugin-api';
import { MODBUS_DEVICE_TYPES } from '../device-types/index.js';
import { startModbusTcpSimulator, type SimulatedUnit } from '../simulator.js';

const words = Joi.object().pattern(Joi.string().pattern(/^(0x[0-9a-f]{1,4}|\d{1,5})$/i), Joi.string().pattern(/^(\s*[0-9a-f]{4})+\s*$/i));
const unit = Joi.object<SimulatedUnit>({
  unitId: Joi.number().integer().min(0).max(255).required(),
  deviceTypeId: Joi.string().valid(...MODBUS_DEVICE_TYPES.map((t) => t.id)),
  values: Joi.object().pattern(Joi.string(), Joi.number()),
  registers: Joi.object({ input: words, holding: words }),
  dead: Joi.boolean(),
  delayMs: Joi.number().integer().min(0).max(60_000),
});
// The units alone, or a file with `units` in it (a test fixture's input.json).
const file = Joi.alternatives(Joi.array().items(unit).min(1).unique('unitId'), Joi.object({ units: Joi.array().items(unit).min(1).unique('unitId').required() }).unknown(true));

/**
 * `openamr simulate modbus --units FILE.json [--port 5020]`: a Modbus TCP gateway on
 * 127.0.0.1 whose units answer from their models and values, or from raw register words, for
 * trying a `modbus.tcp` concentrator without meters. Runs until interrupted (or `--seconds`).
 */
export const simulateCommand: CliCommand = {
  name: 'simulate modbus',
  describe: 'Run a Modbus TCP gateway simulator with meters at unit ids (modbus-serial ServerTCP)',
  options: {
    units: { type: 'string', describe: 'JSON: [{unitId, deviceTypeId, values} | {unitId, registers: {input|holding: {"0x0048": "4640 e6ae"}}}, …]' },
    port: { type: 'string', describe: 'TCP port (default 5020)', default: '5020' },
    seconds: { type: 'string', describe: 'Stop after this many seconds' },
  },
  async run(args, ctx) {
    if (!args.options.units) throw new InputError({ ru: 'Укажите файл с приборами: --units FILE.json', en: 'Give the file of units: --units FILE.json' }, { field: 'units' });
    const path = resolve(ctx.cwd, String(args.options.units));
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new InputError({ ru: `Файл ${path} не читается как JSON: ${(err as Error).message}`, en: `Cannot read ${path} as JSON: ${(err as Error).message}` }, { file: path });
    }
    const { value, error } = file.validate(json);
    if (error) throw new InputError({ ru: `${path}: ${error.message}`, en: `${path}: ${error.message}` }, { file: path });
    const units = (Array.isArray(value) ? value : value.units) as SimulatedUnit[];
    const port = Number(args.options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError({ ru: `Неверный порт: ${args.options.port}`, en: `Bad port: ${args.options.port}` }, { field: 'port' });
    const sim = await startModbusTcpSimulator({ units, port: port || undefined });
    ctx.stdout.write(JSON.stringify({ port: sim.port, units: units.map((u) => ({ unitId: u.unitId, deviceTypeId: u.deviceTypeId ?? null, dead: u.dead ?? false })) }, null, 2) + '\n');
    await new Promise<void>((done) => {
      const stop = () => done();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (args.options.seconds) setTimeout(stop, Number(args.options.seconds) * 1000).unref();
    });
    await sim.close();
    return 0;
  },
};
