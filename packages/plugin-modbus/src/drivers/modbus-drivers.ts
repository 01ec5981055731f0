import Joi from 'joi';
import { createRequire } from 'node:module';
import type ModbusSerial from 'modbus-serial';
import {
  ConfigError,
  ConnectionError,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type PollReaderDriver,
  type ReadBatch,
  type ReadProblem,
  type ReaderSession,
} from '@openamr/core/plugin-api';
import { MODBUS_DEVICE_TYPES } from '../device-types/index.js';
import { decodeRule, planReads, type ModbusDeviceType } from '../register-map.js';

// modbus-serial is CommonJS: its client class is module.exports.
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as typeof ModbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusSerial.default>;

export interface ModbusMeterSetting {
  /** The meter's unit id (slave address) on the bus, 1–247. */
  unitId: number;
  /** The meter's serial in the registry. */
  serial: string;
  /** Its model: a device type of this plugin (the register map). */
  deviceTypeId: string;
  /** This meter's own wait and repeats. */
  timeoutMs?: number;
  retries?: number;
}

export interface ModbusSettings {
  meters: ModbusMeterSetting[];
  timeoutMs: number;
  retries: number;
  /** Pause between requests, ms: some RS-485 converters need it. */
  gapMs: number;
}

export interface ModbusRtuSettings extends ModbusSettings {
  device: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

const modelIds = MODBUS_DEVICE_TYPES.map((t) => t.id);
const meter = Joi.object<ModbusMeterSetting>({
  unitId: Joi.number().integer().min(1).max(247).required().description('Адрес прибора на шине (unit id) 1–247'),
  serial: Joi.string().max(64).required().description('Серийный номер в реестре'),
  deviceTypeId: Joi.string().valid(...modelIds).required().description('Модель прибора (карта регистров)'),
  timeoutMs: Joi.number().integer().min(50).max(60_000).description('Ожидание ответа этого прибора, мс'),
  retries: Joi.number().integer().min(0).max(5).description('Повторы запроса этому прибору'),
});
const common = {
  meters: Joi.array().items(meter).min(1).unique('unitId').required().description('Приборы на шине'),
  timeoutMs: Joi.number().integer().min(50).max(60_000).default(1000).description('Ожидание ответа прибора, мс'),
  retries: Joi.number().integer().min(0).max(5).default(1).description('Повторы запроса молчащему прибору'),
  gapMs: Joi.number().integer().min(0).max(1000).default(0).description('Пауза между запросами, мс'),
};

/** Modbus exception codes (the standard's names). */
const EXCEPTIONS: Record<number, string> = {
  1: 'недопустимая функция',
  2: 'недопустимый адрес регистра',
  3: 'недопустимое значение',
  4: 'отказ прибора',
  5: 'подтверждение (выполняется)',
  6: 'прибор занят',
  10: 'шлюз: путь недоступен',
  11: 'шлюз: прибор не ответил',
};

const isTimeout = (err: unknown) => /timed out/i.test(String((err as Error)?.message)) || (err as { name?: string })?.name === 'TransactionTimedOutError';
const exceptionOf = (err: unknown): number | undefined => (err as { modbusCode?: number })?.modbusCode;
/** The port is gone (closed by the peer, or never open): the whole poll ends. */
const isLinkError = (err: unknown) => /port not open|ECONNRESET|EPIPE|not connected/i.test(String((err as Error)?.message));

/**
 * A Modbus master reading meters by their register maps (device types as data): per meter
 * the fewest requests that cover its map, each value decoded (float32, integers, word
 * order, scale) into the quantity's unit. A silent unit, a timeout or an exception answer
 * is a problem of that meter and the poll goes on to the next unit; a link that cannot be
 * opened is a ConnectionError.
 */
abstract class ModbusDriver<S extends ModbusSettings> implements PollReaderDriver<S> {
  abstract readonly id: string;
  readonly mode = 'poll' as const;
  abstract readonly label: { ru: string; en: string };
  abstract readonly settingsSchema: Joi.ObjectSchema<S>;
  readonly deviceTypes = ['core.electricity-meter', ...modelIds];

  protected abstract connect(client: ModbusClient, target: ConcentratorTarget<S>): Promise<string>;

  private async client(target: ConcentratorTarget<S>, signal: AbortSignal): Promise<{ client: ModbusClient; where: string }> {
    const client = new ModbusRTU();
    const where = await this.connect(client, target);
    const onAbort = () => client.close(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    return { client, where };
  }

  async open(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<ReaderSession> {
    const { client, where } = await this.client(target, ctx.signal);
    const s = target.settings;
    return {
      read: async function* (): AsyncIterable<ReadBatch> {
        for (const m of s.meters) {
          if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
          const type = MODBUS_DEVICE_TYPES.find((t) => t.id === m.deviceTypeId)!;
          const batch: ReadBatch = { source: `Modbus ${where} unit ${m.unitId}`, readings: [], problems: [] };
          const r = await readMeter(client, m, type, { timeoutMs: m.timeoutMs ?? s.timeoutMs, retries: m.retries ?? s.retries, gapMs: s.gapMs, signal: ctx.signal });
          if ('values' in r) {
            const takenAt = new Date().toISOString();
            batch.readings.push({ meterSerial: m.serial, deviceTypeId: type.id, takenAt, values: r.values, unit: 'kWh', sourceKey: `modbus:${target.id}:${m.serial}:${takenAt.slice(0, 16)}` });
          } else {
            batch.problems.push(r.problem);
          }
          yield batch;
        }
      },
      async close() {
        await new Promise<void>((resolve) => client.close(() => resolve()));
      },
    };
  }

  async check(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<CheckResult> {
    let client: ModbusClient | undefined;
    try {
      const opened = await this.client(target, ctx.signal);
      client = opened.client;
      let answered = 0;
      for (const m of target.settings.meters) {
        const type = MODBUS_DEVICE_TYPES.find((t) => t.id === m.deviceTypeId)!;
        if ('values' in (await readMeter(client, m, type, { timeoutMs: m.timeoutMs ?? target.settings.timeoutMs, retries: 0, gapMs: target.settings.gapMs, signal: ctx.signal }))) answered++;
      }
      return { ok: answered > 0, message: `Modbus ${opened.where} доступен; ответили приборов: ${answered} из ${target.settings.meters.length}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    } finally {
      client?.close(() => undefined);
    }
  }
}

async function readMeter(
  client: ModbusClient,
  m: ModbusMeterSetting,
  type: ModbusDeviceType,
  o: { timeoutMs: number; retries: number; gapMs: number; signal: AbortSignal },
): Promise<{ values: Record<string, string> } | { problem: ReadProblem }> {
  // modbus-serial's requests do not take a signal: an abort ends the wait at once.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(o.signal.reason ?? new Error('aborted'));
    if (o.signal.aborted) fail();
    else o.signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  client.setID(m.unitId);
  client.setTimeout(o.timeoutMs);
  const values: Record<string, string> = {};
  for (const block of planReads(type.registers, type.readGap ?? 0)) {
    let words: number[] | undefined;
    for (let attempt = 0; attempt <= o.retries && !words; attempt++) {
      if (o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
      try {
        const request = block.table === 'input' ? client.readInputRegisters(block.address, block.count) : client.readHoldingRegisters(block.address, block.count);
        request.catch(() => undefined);
        const answer = await Promise.race([request, aborted]);
        words = answer.data;
      } catch (err) {
        const code = exceptionOf(err);
        if (code !== undefined) {
          return {
            problem: {
              code: 'modbus-exception',
              meterSerial: m.serial,
              message: `Прибор ${m.serial} (unit ${m.unitId}): исключение ${code} (${EXCEPTIONS[code] ?? 'неизвестный код'}) на регистрах ${block.address}–${block.address + block.count - 1}`,
            },
          };
        }
        if (o.signal.aborted) throw err;
        if (isLinkError(err)) throw new ConnectionError({ ru: `Modbus: связь потеряна: ${(err as Error).message}`, en: `Modbus: the link was lost: ${(err as Error).message}` });
        if (!isTimeout(err)) throw err;
      }
    }
    if (!words) {
      return { problem: { code: 'no-answer', meterSerial: m.serial, message: `Прибор ${m.serial} (unit ${m.unitId}) не ответил за ${o.timeoutMs} мс (попыток: ${o.retries + 1})` } };
    }
    if (words.length < block.count) {
      return { problem: { code: 'short-answer', meterSerial: m.serial, message: `Прибор ${m.serial} (unit ${m.unitId}): ${words.length} регистров вместо ${block.count}` } };
    }
    for (const rule of block.rules) {
      try {
        values[rule.key] = decodeRule(rule, block, words);
      } catch (err) {
        return { problem: { code: 'bad-value', meterSerial: m.serial, message: `Прибор ${m.serial} (unit ${m.unitId}), ${rule.key}: ${(err as Error).message}` } };
      }
    }
  }
  return { values };
}

/** `modbus.tcp`: meters behind a Modbus TCP gateway (or TCP meters); the concentrator's host and port (502 by default). */
export class ModbusTcpDriver extends ModbusDriver<ModbusSettings> {
  readonly id = 'modbus.tcp';
  readonly label = { ru: 'Modbus TCP', en: 'Modbus TCP' };
  readonly settingsSchema = Joi.object<ModbusSettings>(common);

  protected async connect(client: ModbusClient, target: ConcentratorTarget<ModbusSettings>): Promise<string> {
    if (!target.host) throw new ConfigError({ ru: 'У концентратора не указан адрес шлюза Modbus', en: 'The concentrator has no Modbus gateway address' }, { field: 'host' });
    const where = `${target.host}:${target.port ?? 502}`;
    try {
      await client.connectTCP(target.host, { port: target.port ?? 502, timeout: Math.max(target.settings.timeoutMs, 3000) });
    } catch (err) {
      throw new ConnectionError({ ru: `Шлюз Modbus ${where} недоступен: ${(err as Error).message}`, en: `Modbus gateway ${where} is unreachable: ${(err as Error).message}` });
    }
    return where;
  }
}

/** `modbus.rtu`: an RS-485 bus on a serial port of the server. */
export class ModbusRtuDriver extends ModbusDriver<ModbusRtuSettings> {
  readonly id = 'modbus.rtu';
  readonly label = { ru: 'Modbus RTU (RS-485)', en: 'Modbus RTU (RS-485)' };
  readonly settingsSchema = Joi.object<ModbusRtuSettings>({
    ...common,
    device: Joi.string().pattern(/^(\/|COM\d+$)/).required().description('Порт: абсолютный путь (/dev/ttyUSB0, /dev/serial/by-id/…) или COM3'),
    baudRate: Joi.number().valid(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200).default(9600).description('Скорость, бод'),
    parity: Joi.string().valid('none', 'even', 'odd').default('none').description('Четность'),
    stopBits: Joi.number().valid(1, 2).default(1).description('Стоп-биты'),
  });

  protected async connect(client: ModbusClient, target: ConcentratorTarget<ModbusRtuSettings>): Promise<string> {
    const s = target.settings;
    try {
      await client.connectRTUBuffered(s.device, { baudRate: s.baudRate, parity: s.parity, stopBits: s.stopBits, dataBits: 8 });
    } catch (err) {
      throw new ConnectionError({ ru: `Порт Modbus ${s.device} не открывается: ${(err as Error).message}`, en: `Modbus port ${s.device} cannot be opened: ${(err as Error).message}` });
    }
    return s.device;
  }
}
