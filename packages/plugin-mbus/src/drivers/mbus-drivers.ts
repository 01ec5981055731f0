import Joi from 'joi';
import {
  ConfigError,
  coreServices,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type FoundDevice,
  type PollReaderDriver,
  type ReadBatch,
  type ReaderSession,
  type UploadedFile,
} from '@openamr/core/plugin-api';
import { decodeTelegram, parseHex, TelegramError } from '../decoder/telegram.js';
import { REQ_UD2, SELECTED, SND_NKE, ACK, selectFrame, shortFrame } from '../wire/frames.js';
import { MbusSerialClient, MbusTcpClient, NoAnswer, type MbusLink } from '../wire/link.js';
import { deviceTypeOfSlave, telegramReading, type PulseSetting } from './readings.js';
import { scanPrimary, scanSecondary } from '../wire/scan.js';
import { KNOWN_MANUFACTURERS } from '../device-types/index.js';

export interface MbusMeterSetting {
  /** Primary address 0–250, or… */
  address?: number;
  /** …the secondary address: 16 hex digits (id, manufacturer, version, medium; F = any). */
  secondary?: string;
  /** The meter's serial in the registry; by default the telegram's identification number. */
  serial?: string;
  /** The device type; by default detected from the telegram's header (manufacturer, version, medium). */
  deviceTypeId?: string;
  /** This meter's own wait and repeats (a slow meter on a fast bus). */
  timeoutMs?: number;
  retries?: number;
  /** A meter counted by a pulse adapter channel. */
  pulse?: PulseSetting;
}

export interface MbusSettings {
  meters: MbusMeterSetting[];
  timeoutMs: number;
  retries: number;
  pingFirst: boolean;
}

export interface MbusSerialSettings extends MbusSettings {
  device: string;
  baudRate: number;
}

const decimal = Joi.string().pattern(/^-?\d+(\.\d+)?$/);
const meter = Joi.object<MbusMeterSetting>({
  address: Joi.number().integer().min(0).max(250).description('Первичный адрес 0–250'),
  secondary: Joi.string().pattern(/^[0-9a-fA-F]{16}$/).description('Вторичный адрес: 16 шестнадцатеричных цифр'),
  serial: Joi.string().max(64).description('Серийный номер в реестре (по умолчанию — из телеграммы)'),
  deviceTypeId: Joi.string().max(100).description('Тип прибора (по умолчанию — по заголовку телеграммы)'),
  timeoutMs: Joi.number().integer().min(50).max(60_000).description('Ожидание ответа этого прибора, мс'),
  retries: Joi.number().integer().min(0).max(5).description('Повторы запроса этому прибору'),
  pulse: Joi.object<PulseSetting>({
    channel: Joi.string().max(40).required().description('Канал адаптера: channel1, inputA…'),
    weight: decimal.required().description('Цена импульса в единицах прибора (например, 0.01 м³)'),
    start: decimal.required().description('Показание прибора при начальном счете'),
    startCount: decimal.default('0').description('Счет канала при начальном показании'),
  }).description('Прибор, подключенный к импульсному входу'),
})
  .xor('address', 'secondary')
  .with('pulse', 'serial');

const common = {
  meters: Joi.array().items(meter).min(1).required().description('Приборы на шине'),
  timeoutMs: Joi.number().integer().min(50).max(60_000).default(1000).description('Ожидание ответа прибора, мс'),
  retries: Joi.number().integer().min(0).max(5).default(1).description('Повторы запроса молчащему прибору'),
  pingFirst: Joi.boolean().default(false).description('SND_NKE перед запросом (для приборов, которым он нужен)'),
};

/**
 * An M-Bus master reading the meters of a bus one by one (REQ_UD2 by primary address, or
 * after selecting the secondary address), each telegram decoded by the plugin's EN 13757-3
 * decoder and read by its device type. A silent meter or a damaged telegram is a problem of
 * that meter and the poll goes on; only a link that cannot be opened or drops ends the poll.
 */
abstract class MbusDriver<S extends MbusSettings> implements PollReaderDriver<S> {
  abstract readonly id: string;
  readonly mode = 'poll' as const;
  abstract readonly label: { ru: string; en: string };
  abstract readonly settingsSchema: Joi.ObjectSchema<S>;
  readonly deviceTypes = ['core.heat-meter', 'core.water-meter', 'core.heat-cost-allocator', 'core.electricity-meter'];

  /** The link to the bus, opened. */
  protected abstract connect(target: ConcentratorTarget<S>, signal: AbortSignal): Promise<MbusLink>;

  async open(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<ReaderSession> {
    const link = await this.connect(target, ctx.signal);
    const s = target.settings;
    const clock = ctx.services.get(coreServices.clock);
    return {
      read: async function* (): AsyncIterable<ReadBatch> {
        for (const m of s.meters) {
          const label = m.serial ?? (m.address !== undefined ? `адрес ${m.address}` : `вторичный ${m.secondary}`);
          const batch: ReadBatch = { source: `M-Bus ${label}`, readings: [], problems: [] };
          const timeoutMs = m.timeoutMs ?? s.timeoutMs;
          const retries = m.retries ?? s.retries;
          try {
            const frame = await readMeter(link, m, { timeoutMs, retries, pingFirst: s.pingFirst });
            const t = decodeTelegram(frame);
            const r = telegramReading(t, m, clock.now().toISOString());
            if ('reading' in r) {
              batch.readings.push({ ...r.reading, raw: Buffer.from(frame).toString('hex') });
              if (r.dropped) batch.problems.push({ ...r.dropped, meterSerial: r.reading.meterSerial });
            }
            else batch.problems.push({ ...r.problem, meterSerial: m.serial ?? t.slave.id });
          } catch (err) {
            if (err instanceof NoAnswer) batch.problems.push({ code: 'no-answer', meterSerial: m.serial, message: `Прибор ${label} не ответил за ${timeoutMs} мс (попыток: ${retries + 1})` });
            else if (err instanceof TelegramError) batch.problems.push({ code: 'bad-telegram', meterSerial: m.serial, message: `Прибор ${label}: ${err.message}` });
            else throw err;
          }
          yield batch;
        }
      },
      async close() {
        link.close();
      },
    };
  }

  async check(target: ConcentratorTarget<S>, ctx: DriverContext): Promise<CheckResult> {
    let link: MbusLink | undefined;
    try {
      link = await this.connect(target, ctx.signal);
      let answered = 0;
      for (const m of target.settings.meters) {
        try {
          await readMeter(link, m, { ...target.settings, retries: 0 });
          answered++;
        } catch (err) {
          if (!(err instanceof NoAnswer || err instanceof TelegramError)) throw err;
        }
      }
      return { ok: answered > 0, message: `M-Bus ${link.where} доступна; ответили приборов: ${answered} из ${target.settings.meters.length}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    } finally {
      link?.close();
    }
  }

  /**
   * «Поиск приборов»: mode `primary` (default) asks every address 0–250 (SND_NKE, then
   * REQ_UD2 of who acknowledges); `secondary` is the wildcard search by secondary address.
   * Each meter found comes with its type from the header and its settings entry.
   */
  async scan(target: ConcentratorTarget<S>, ctx: DriverContext, options: { mode?: string }): Promise<FoundDevice[]> {
    const link = await this.connect(target, ctx.signal);
    try {
      const secondary = options.mode === 'secondary';
      const found = secondary ? await scanSecondary(link, target.settings.timeoutMs, { manufacturers: KNOWN_MANUFACTURERS }) : await scanPrimary(link, target.settings.timeoutMs);
      return found.map((m) => {
        const deviceTypeId = deviceTypeOfSlave(m.slave);
        const where = m.address !== undefined && !secondary ? `адрес ${m.address}` : `вторичный адрес ${m.secondary}`;
        return {
          serial: m.slave.id,
          ...(deviceTypeId ? { deviceTypeId } : {}),
          description: `${m.slave.manufacturer ?? '?'}, версия ${m.slave.version ?? '?'}, ${m.slave.medium}; ${where}`,
          meterSetting: m.address !== undefined && !secondary ? { address: m.address } : { secondary: m.secondary },
        };
      });
    } finally {
      link.close();
    }
  }

  /** An uploaded telegram (hex bytes), as the concentrator's export. */
  async importFile(file: UploadedFile): Promise<ReadBatch[]> {
    const frame = parseHex(file.content.toString('utf8'));
    const t = decodeTelegram(frame);
    const r = telegramReading(t, {}, new Date().toISOString());
    return [
      'reading' in r
        ? { source: file.name, readings: [{ ...r.reading, raw: Buffer.from(frame).toString('hex'), file: file.name }], problems: r.dropped ? [{ ...r.dropped, meterSerial: r.reading.meterSerial, file: file.name }] : [] }
        : { source: file.name, readings: [], problems: [{ ...r.problem, meterSerial: t.slave.id, file: file.name, message: `${file.name}: ${r.problem.message}` }] },
    ];
  }
}

/** `mbus.tcp-gateway`: a bus behind a transparent TCP gateway (the concentrator's host and port, 10001 by default). */
export class MbusTcpGatewayDriver extends MbusDriver<MbusSettings> {
  readonly id = 'mbus.tcp-gateway';
  readonly label = { ru: 'M-Bus через TCP-шлюз', en: 'M-Bus over a TCP gateway' };
  readonly settingsSchema = Joi.object<MbusSettings>(common);

  protected async connect(target: ConcentratorTarget<MbusSettings>, signal: AbortSignal): Promise<MbusLink> {
    if (!target.host) throw new ConfigError({ ru: 'У концентратора не указан адрес шлюза M-Bus', en: 'The concentrator has no M-Bus gateway address' }, { field: 'host' });
    const link = new MbusTcpClient(target.host, target.port ?? 10001, signal);
    await link.open(Math.max(target.settings.timeoutMs, 3000));
    return link;
  }
}

/** `mbus.serial`: a bus on a serial port of the server (a USB or RS-232 M-Bus level converter), 8E1. */
export class MbusSerialDriver extends MbusDriver<MbusSerialSettings> {
  readonly id = 'mbus.serial';
  readonly label = { ru: 'M-Bus через последовательный порт', en: 'M-Bus on a serial port' };
  readonly settingsSchema = Joi.object<MbusSerialSettings>({
    ...common,
    device: Joi.string().pattern(/^(\/|COM\d+$)/).required().description('Порт: абсолютный путь (/dev/ttyUSB0, /dev/serial/by-id/…) или COM3'),
    baudRate: Joi.number().valid(300, 600, 1200, 2400, 4800, 9600, 19200, 38400).default(2400).description('Скорость, бод'),
  });

  protected async connect(target: ConcentratorTarget<MbusSerialSettings>, signal: AbortSignal): Promise<MbusLink> {
    const link = new MbusSerialClient({ path: target.settings.device, baudRate: target.settings.baudRate }, signal);
    await link.open();
    return link;
  }
}

async function readMeter(link: MbusLink, m: MbusMeterSetting, s: Pick<MbusSettings, 'timeoutMs' | 'retries' | 'pingFirst'>): Promise<Uint8Array> {
  let last: unknown;
  for (let attempt = 0; attempt <= s.retries; attempt++) {
    try {
      let address = m.address!;
      if (m.secondary) {
        const ack = await link.request(selectFrame(m.secondary), s.timeoutMs);
        if (ack[0] !== ACK) throw new TelegramError('the selection was not acknowledged', 0);
        address = SELECTED;
      } else if (s.pingFirst) {
        await link.request(shortFrame(SND_NKE, address), s.timeoutMs);
      }
      const answer = await link.request(shortFrame(REQ_UD2, address), s.timeoutMs);
      if (answer.length === 1) throw new TelegramError('the meter answered ACK instead of its data', 0);
      return answer;
    } catch (err) {
      if (!(err instanceof NoAnswer)) throw err;
      last = err;
    }
  }
  throw last;
}
