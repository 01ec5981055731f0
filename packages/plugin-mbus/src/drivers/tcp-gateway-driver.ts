import Joi from 'joi';
import {
  ConfigError,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type PollReaderDriver,
  type ReadBatch,
  type ReaderSession,
  type UploadedFile,
} from '@openamr/core/plugin-api';
import { decodeTelegram, parseHex, TelegramError } from '../decoder/telegram.js';
import { REQ_UD2, SELECTED, SND_NKE, ACK, selectFrame, shortFrame } from '../wire/frames.js';
import { MbusTcpClient, NoAnswer } from '../wire/tcp-client.js';
import { deviceTypeOf, telegramReading } from './readings.js';

export interface MbusMeterSetting {
  /** Primary address 0–250, or… */
  address?: number;
  /** …the secondary address: 16 hex digits (id, manufacturer, version, medium; F = any). */
  secondary?: string;
  /** The meter's serial in the registry; by default the telegram's identification number. */
  serial?: string;
  /** The device type; by default from the telegram's medium. */
  deviceTypeId?: string;
}

export interface MbusTcpSettings {
  meters: MbusMeterSetting[];
  timeoutMs: number;
  retries: number;
  pingFirst: boolean;
}

const meter = Joi.object<MbusMeterSetting>({
  address: Joi.number().integer().min(0).max(250).description('Первичный адрес 0–250'),
  secondary: Joi.string().pattern(/^[0-9a-fA-F]{16}$/).description('Вторичный адрес: 16 шестнадцатеричных цифр'),
  serial: Joi.string().max(64).description('Серийный номер в реестре (по умолчанию — из телеграммы)'),
  deviceTypeId: Joi.string().max(100).description('Тип прибора (по умолчанию — по среде из телеграммы)'),
}).xor('address', 'secondary');

/**
 * `mbus.tcp-gateway`: meters on a wired M-Bus behind a transparent TCP gateway, read one by
 * one (REQ_UD2 by primary address, or after selecting the secondary address) and decoded by
 * the plugin's EN 13757-3 decoder. A silent meter or a damaged telegram is a problem of that
 * meter and the poll goes on; only an unreachable or dropping gateway ends the poll.
 */
export class MbusTcpGatewayDriver implements PollReaderDriver<MbusTcpSettings> {
  readonly id = 'mbus.tcp-gateway';
  readonly mode = 'poll' as const;
  readonly label = { ru: 'M-Bus через TCP-шлюз', en: 'M-Bus over a TCP gateway' };
  readonly deviceTypes = ['core.heat-meter', 'core.water-meter', 'core.heat-cost-allocator', 'core.electricity-meter'];
  readonly settingsSchema = Joi.object<MbusTcpSettings>({
    meters: Joi.array().items(meter).min(1).required().description('Приборы на шине'),
    timeoutMs: Joi.number().integer().min(50).max(60_000).default(1000).description('Ожидание ответа прибора, мс'),
    retries: Joi.number().integer().min(0).max(5).default(1).description('Повторы запроса молчащему прибору'),
    pingFirst: Joi.boolean().default(false).description('SND_NKE перед запросом (для приборов, которым он нужен)'),
  });

  async open(target: ConcentratorTarget<MbusTcpSettings>, ctx: DriverContext): Promise<ReaderSession> {
    if (!target.host) throw new ConfigError({ ru: 'У концентратора не указан адрес шлюза M-Bus', en: 'The concentrator has no M-Bus gateway address' }, { field: 'host' });
    const client = new MbusTcpClient(target.host, target.port ?? 10001, ctx.signal);
    await client.open(Math.max(target.settings.timeoutMs, 3000));
    const s = target.settings;
    return {
      read: async function* (): AsyncIterable<ReadBatch> {
        for (const m of s.meters) {
          const label = m.serial ?? (m.address !== undefined ? `адрес ${m.address}` : `вторичный ${m.secondary}`);
          const batch: ReadBatch = { source: `M-Bus ${label}`, readings: [], problems: [] };
          try {
            const frame = await readMeter(client, m, s);
            const t = decodeTelegram(frame);
            const serial = m.serial ?? t.slave.id;
            const type = m.deviceTypeId ?? deviceTypeOf(t.slave.medium);
            const reading = type ? telegramReading(t, serial, type, new Date().toISOString()) : undefined;
            if (reading) batch.readings.push({ ...reading, raw: Buffer.from(frame).toString('hex') });
            else batch.problems.push({ code: 'no-values', meterSerial: serial, message: `Прибор ${serial} (${t.slave.medium}): в телеграмме нет текущих значений для типа ${type ?? 'не определен'}` });
          } catch (err) {
            if (err instanceof NoAnswer) batch.problems.push({ code: 'no-answer', meterSerial: m.serial, message: `Прибор ${label} не ответил за ${s.timeoutMs} мс (попыток: ${s.retries + 1})` });
            else if (err instanceof TelegramError) batch.problems.push({ code: 'bad-telegram', meterSerial: m.serial, message: `Прибор ${label}: ${err.message}` });
            else throw err;
          }
          yield batch;
        }
      },
      async close() {
        client.close();
      },
    };
  }

  async check(target: ConcentratorTarget<MbusTcpSettings>, ctx: DriverContext): Promise<CheckResult> {
    if (!target.host) return { ok: false, message: 'У концентратора не указан адрес шлюза M-Bus' };
    const client = new MbusTcpClient(target.host, target.port ?? 10001, ctx.signal);
    try {
      await client.open(3000);
      let answered = 0;
      for (const m of target.settings.meters) {
        try {
          await readMeter(client, m, { ...target.settings, retries: 0 });
          answered++;
        } catch (err) {
          if (!(err instanceof NoAnswer || err instanceof TelegramError)) throw err;
        }
      }
      return { ok: answered > 0, message: `Шлюз ${target.host} доступен; ответили приборов: ${answered} из ${target.settings.meters.length}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    } finally {
      client.close();
    }
  }

  /** An uploaded telegram (hex bytes), as the concentrator's export. */
  async importFile(file: UploadedFile): Promise<ReadBatch[]> {
    const t = decodeTelegram(parseHex(file.content.toString('utf8')));
    const type = deviceTypeOf(t.slave.medium);
    const reading = type ? telegramReading(t, t.slave.id, type, new Date().toISOString()) : undefined;
    return [{ source: file.name, readings: reading ? [{ ...reading, file: file.name }] : [], problems: reading ? [] : [{ code: 'no-values', meterSerial: t.slave.id, file: file.name, message: `${file.name}: в телеграмме нет текущих значений` }] }];
  }
}

async function readMeter(client: MbusTcpClient, m: MbusMeterSetting, s: Pick<MbusTcpSettings, 'timeoutMs' | 'retries' | 'pingFirst'>): Promise<Uint8Array> {
  let last: unknown;
  for (let attempt = 0; attempt <= s.retries; attempt++) {
    try {
      let address = m.address!;
      if (m.secondary) {
        const ack = await client.request(selectFrame(m.secondary), s.timeoutMs);
        if (ack[0] !== ACK) throw new TelegramError('the selection was not acknowledged', 0);
        address = SELECTED;
      } else if (s.pingFirst) {
        await client.request(shortFrame(SND_NKE, address), s.timeoutMs);
      }
      const answer = await client.request(shortFrame(REQ_UD2, address), s.timeoutMs);
      if (answer.length === 1) throw new TelegramError('the meter answered ACK instead of its data', 0);
      return answer;
    } catch (err) {
      if (!(err instanceof NoAnswer)) throw err;
      last = err;
    }
  }
  throw last;
}
