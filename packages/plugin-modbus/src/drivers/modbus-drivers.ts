import Joi from 'joi';
import {
  ConfigError,
  ConnectionError,
  coreServices,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type KnownMeter,
  type PollReaderDriver,
  type RawReading,
  type ReadBatch,
  type ReadProblem,
  type ReaderSession,
} from '@openamr/core/plugin-api';
import { MODBUS_DEVICE_TYPES, modbusDeviceType } from '../device-types/index.js';
import { decodeRule, planReads, type ModbusDeviceType, type ReadBlock } from '../register-map.js';
import { createModbusClient, failureOf, ModbusLink, type ModbusClient, type RequestFailure } from './modbus-link.js';

export interface ModbusMeterSetting {
  /** The meter's unit id (slave address) on the bus. */
  unitId: number;
  /** The meter's serial in the registry. */
  serial: string;
  /** Its model (a device type of this plugin); by default the registry's type of the meter. */
  deviceTypeId?: string;
  /** This meter's own wait and repeats. */
  timeoutMs?: number;
  retries?: number;
}

export interface ModbusSettings {
  meters: ModbusMeterSetting[];
  timeoutMs: number;
  retries: number;
  /** Pause before each request, ms: some RS-485 converters need it. */
  gapMs: number;
}

export interface ModbusRtuSettings extends ModbusSettings {
  device: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

const modelIds = MODBUS_DEVICE_TYPES.map((t) => t.id);

/**
 * Unit ids: 1–247 on a serial bus; a TCP meter may also answer at 0 or 255 (the standard's
 * "this device"). Descriptions are the labels of the settings form the web UI generates.
 */
function commonSettings(unitIds: { min: number; max: number }) {
  const meter = Joi.object<ModbusMeterSetting>({
    unitId: Joi.number().integer().min(unitIds.min).max(unitIds.max).required().description(`Адрес на шине (unit id), ${unitIds.min}–${unitIds.max}`),
    serial: Joi.string().trim().min(1).max(64).required().description('Серийный номер в реестре'),
    deviceTypeId: Joi.string().valid(...modelIds).description('Модель (карта регистров); по умолчанию — тип прибора в реестре'),
    timeoutMs: Joi.number().integer().min(50).max(60_000).description('Ожидание ответа этого прибора, мс'),
    retries: Joi.number().integer().min(0).max(5).description('Повторы запроса этому прибору'),
  });
  return {
    meters: Joi.array().items(meter).min(1).unique('unitId').unique('serial').required().description('Приборы на шине: [{"unitId": 1, "serial": "…", "deviceTypeId": "modbus.eastron-sdm630"}]'),
    timeoutMs: Joi.number().integer().min(50).max(60_000).default(1000).description('Ожидание ответа прибора, мс'),
    retries: Joi.number().integer().min(0).max(5).default(1).description('Повторы запроса молчащему прибору'),
    gapMs: Joi.number().integer().min(0).max(1000).default(0).description('Пауза перед запросом, мс'),
  };
}

/** Modbus exception codes, as the standard names them. */
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

interface MeterPlan {
  setting: ModbusMeterSetting;
  type?: ModbusDeviceType;
}

interface ReadOptions {
  timeoutMs: number;
  retries: number;
  gapMs: number;
}

/**
 * A Modbus master reading meters by their register maps (device types as data): per meter the
 * fewest requests that cover its map, each value decoded (float32, integers, word order,
 * scale) into the quantity's unit. The meters are those of the settings, each at its unit id;
 * a meter's model is its setting's or else its type in the registry (`ctx.knownMeters()`).
 * A silent unit, an exception answer or a garbled one is a problem of that meter and the poll
 * goes on to the next unit; a bus that cannot be opened, or a link lost, is a ConnectionError.
 */
abstract class ModbusDriver<S extends ModbusSettings> implements PollReaderDriver<S> {
  abstract readonly id: string;
  readonly mode = 'poll' as const;
  abstract readonly label: { ru: string; en: string };
  abstract readonly settingsSchema: Joi.ObjectSchema<S>;
  readonly deviceTypes = ['core.electricity-meter', ...modelIds];

  /** Opens the client on the bus; returns where it is, for messages. */
  protected abstract connect(client: ModbusClient, target: ConcentratorTarget<S>): Promise<string>;

  private async link(target: ConcentratorTarget<S>, signal: AbortSignal): Promise<ModbusLink> {
    signal.throwIfAborted();
    const client = createModbusClient();
    const where = await this.connect(client, target);
    return new ModbusLink(client, where, signal);
  }

  async open(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<ReaderSession> {
    const link = await this.link(target, ctx.signal);
    const s = target.settings;
    const clock = ctx.services.get(coreServices.clock);
    return {
      read: async function* (): AsyncIterable<ReadBatch> {
        for (const { setting: m, type } of plan(s.meters, await ctx.knownMeters())) {
          const batch: ReadBatch = { source: `Modbus, unit ${m.unitId}`, readings: [], problems: [] };
          if (!type) {
            batch.problems.push(noMap(m));
          } else {
            const r = await readMeter(link, m, type, { timeoutMs: m.timeoutMs ?? s.timeoutMs, retries: m.retries ?? s.retries, gapMs: s.gapMs });
            batch.problems.push(...r.problems);
            if (r.values && r.values[type.primaryQuantity] !== undefined) batch.readings.push(reading(target.id, m, type, r.values, r.raw, clock.now()));
          }
          yield batch;
        }
      },
      close: () => link.close(),
    };
  }

  async check(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<CheckResult> {
    let link: ModbusLink | undefined;
    try {
      link = await this.link(target, ctx.signal);
      const meters = plan(target.settings.meters, await ctx.knownMeters());
      let answered = 0;
      for (const { setting: m, type } of meters) {
        if (!type) continue;
        const r = await readMeter(link, m, type, { timeoutMs: m.timeoutMs ?? target.settings.timeoutMs, retries: 0, gapMs: target.settings.gapMs });
        if (r.values) answered++;
      }
      return { ok: answered > 0, message: `Modbus ${link.where} доступен; ответили приборов: ${answered} из ${meters.length}` };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return { ok: false, message: (err as Error).message };
    } finally {
      await link?.close();
    }
  }
}

/** Each meter of the settings with its register map: its own model, else the registry's type. */
function plan(meters: readonly ModbusMeterSetting[], known: readonly KnownMeter[]): MeterPlan[] {
  const registry = new Map(known.map((k) => [k.serial, k.deviceTypeId]));
  return meters.map((setting) => ({ setting, type: modbusDeviceType(setting.deviceTypeId ?? registry.get(setting.serial)) }));
}

function noMap(m: ModbusMeterSetting): ReadProblem {
  return {
    code: 'no-register-map',
    meterSerial: m.serial,
    message: `Прибор ${m.serial} (unit ${m.unitId}): неизвестна карта регистров — укажите модель в настройках концентратора (${modelIds.join(', ')})`,
  };
}

/** The registers of one request, as `<function>:<first register>:<words>` in hex: kept with the reading for re-decoding. */
function rawBlock(block: ReadBlock, words: readonly number[]): string {
  return `${block.table === 'input' ? '04' : '03'}:${hex4(block.address)}:${words.map(hex4).join('')}`;
}

/** A meter's values as one reading taken at the poll's minute (a meter over Modbus has no clock to ask). */
function reading(concentratorId: string, m: ModbusMeterSetting, type: ModbusDeviceType, values: Record<string, string>, raw: string, now: Date): RawReading {
  const takenAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  return { meterSerial: m.serial, deviceTypeId: type.id, takenAt, values, sourceKey: `modbus:${concentratorId}:${m.serial}:${takenAt}`, raw };
}

/**
 * One meter's register map, request by request. A request the meter does not answer, or
 * answers with an exception, ends the meter's read (`values` absent); a value that does not
 * decode is left out with a problem, and the others are kept.
 */
async function readMeter(link: ModbusLink, m: ModbusMeterSetting, type: ModbusDeviceType, o: ReadOptions): Promise<{ values?: Record<string, string>; raw: string; problems: ReadProblem[] }> {
  const who = `Прибор ${m.serial} (unit ${m.unitId})`;
  const problems: ReadProblem[] = [];
  const failed = (code: string, message: string) => ({ raw: '', problems: [...problems, { code, meterSerial: m.serial, message: `${who}: ${message}` }] });
  const values: Record<string, string> = {};
  const raw: string[] = [];
  for (const block of planReads(type.registers, type.readGap ?? 0)) {
    const registers = `регистры ${block.table === 'input' ? 'ввода' : 'хранения'} 0x${hex4(block.address)}–0x${hex4(block.address + block.count - 1)}`;
    let words: number[] | undefined;
    let failure: RequestFailure | undefined;
    for (let attempt = 0; attempt <= o.retries && !words; attempt++) {
      if (o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
      try {
        words = await link.read(m.unitId, block.table, block.address, block.count, o.timeoutMs);
      } catch (err) {
        if (err instanceof ConnectionError || link.aborted) throw err;
        failure = failureOf(err);
        // An exception is the meter's answer: asking again gives the same one.
        if (failure.kind === 'exception') break;
      }
    }
    if (!words) {
      if (failure?.kind === 'exception') return failed('modbus-exception', `исключение ${failure.code} (${EXCEPTIONS[failure.code] ?? 'неизвестный код'}), ${registers}`);
      if (failure?.kind === 'garbled') return failed('bad-answer', `искаженный ответ (${failure.message}), ${registers}; попыток: ${o.retries + 1}`);
      return failed('no-answer', `не ответил за ${o.timeoutMs} мс (попыток: ${o.retries + 1})`);
    }
    if (words.length < block.count) return failed('bad-answer', `${words.length} регистров вместо ${block.count}, ${registers}`);
    raw.push(rawBlock(block, words));
    for (const rule of block.rules) {
      try {
        values[rule.key] = decodeRule(rule, block, words);
      } catch (err) {
        problems.push({ code: 'bad-value', meterSerial: m.serial, message: `${who}: ${rule.key}: ${(err as Error).message}` });
      }
    }
  }
  return { values, raw: raw.join(' '), problems };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** `modbus.tcp`: meters behind a Modbus TCP gateway (or TCP meters); the concentrator's host and port (502 by default). */
export class ModbusTcpDriver extends ModbusDriver<ModbusSettings> {
  readonly id = 'modbus.tcp';
  readonly label = { ru: 'Modbus TCP', en: 'Modbus TCP' };
  readonly settingsSchema = Joi.object<ModbusSettings>(commonSettings({ min: 0, max: 255 }));

  protected async connect(client: ModbusClient, target: ConcentratorTarget<ModbusSettings>): Promise<string> {
    if (!target.host) throw new ConfigError({ ru: 'У концентратора не указан адрес шлюза Modbus', en: 'The concentrator has no Modbus gateway address' }, { field: 'host' });
    const where = `${target.host}:${target.port ?? 502}`;
    try {
      await client.connectTCP(target.host, { port: target.port ?? 502, timeout: Math.max(target.settings.timeoutMs, 3000) });
    } catch (err) {
      throw new ConnectionError({ ru: `Шлюз Modbus ${where} недоступен: ${(err as Error).message}`, en: `Modbus gateway ${where} is unreachable: ${(err as Error).message}` }, {}, { cause: err });
    }
    return where;
  }
}

/** `modbus.rtu`: an RS-485 bus on a serial port of the server. */
export class ModbusRtuDriver extends ModbusDriver<ModbusRtuSettings> {
  readonly id = 'modbus.rtu';
  readonly label = { ru: 'Modbus RTU (RS-485)', en: 'Modbus RTU (RS-485)' };
  readonly settingsSchema = Joi.object<ModbusRtuSettings>({
    ...commonSettings({ min: 1, max: 247 }),
    device: Joi.string().pattern(/^(\/|COM\d+$)/).required().description('Порт: /dev/ttyUSB0, /dev/serial/by-id/… или COM3'),
    baudRate: Joi.number().valid(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200).default(9600).description('Скорость, бод'),
    parity: Joi.string().valid('none', 'even', 'odd').default('none').description('Четность'),
    stopBits: Joi.number().valid(1, 2).default(1).description('Стоп-биты'),
  });

  protected async connect(client: ModbusClient, target: ConcentratorTarget<ModbusRtuSettings>): Promise<string> {
    const s = target.settings;
    try {
      await client.connectRTUBuffered(s.device, { baudRate: s.baudRate, parity: s.parity, stopBits: s.stopBits, dataBits: 8 });
    } catch (err) {
      throw new ConnectionError({ ru: `Порт Modbus ${s.device} не открывается: ${(err as Error).message}`, en: `Modbus port ${s.device} cannot be opened: ${(err as Error).message}` }, {}, { cause: err });
    }
    return s.device;
  }
}
