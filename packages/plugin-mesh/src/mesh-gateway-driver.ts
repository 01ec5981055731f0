import Joi from 'joi';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  ConfigError,
  type CheckResult,
  type ConcentratorTarget,
  type DriverContext,
  type PushListener,
  type PushReaderDriver,
  type PushSink,
} from '@openamr/core/plugin-api';
import { DEFAULT_FIELDS, parseMessage, type FieldMap } from './payload.js';

export interface MeshSettings {
  /** `mqtt://host:port` or `mqtts://…`; by default the concentrator's host and port (1883). */
  url?: string;
  username?: string;
  password?: string;
  /** The gateway's id in the default topic `indivx/<gatewayId>/readings`. */
  gatewayId?: string;
  /** The topic (MQTT wildcards allowed); by default from `gatewayId`. */
  topic?: string;
  /** Stable across restarts, so the broker keeps the session: `openamr-<concentrator id>` by default. */
  clientId?: string;
  fields: FieldMap;
  /** First wait before reconnecting, ms; doubles up to `reconnectMaxMs`. */
  reconnectMs: number;
  reconnectMaxMs: number;
}

const fieldName = Joi.string().max(64);

/** The topic a concentrator listens to. */
export function topicOf(s: MeshSettings): string {
  return s.topic ?? `indivx/${s.gatewayId}/readings`;
}

/**
 * `mesh.gateway` (INDIV-X-Gateway Mesh): the gateway publishes its meters' readings as JSON
 * to an MQTT broker; the core runs one listener per concentrator in the cluster. QoS 1 on a
 * persistent session (clean session off, a stable client id): what the gateway published
 * while no node listened is delivered when one is back. A message is acknowledged only
 * after its readings are stored (one transaction, idempotent by source key), so a crash
 * before the store means redelivery, never loss; a redelivered message stores nothing new.
 * A malformed message is a problem in the journal and is acknowledged (it would never
 * parse); the subscription goes on. A lost broker is reconnected with back-off.
 */
export class MeshGatewayDriver implements PushReaderDriver<MeshSettings> {
  readonly id = 'mesh.gateway';
  readonly mode = 'push' as const;
  readonly label = { ru: 'INDIV-X-Gateway Mesh (MQTT)', en: 'INDIV-X-Gateway Mesh (MQTT)' };
  readonly deviceTypes = ['core.heat-cost-allocator', 'core.water-meter', 'core.heat-meter', 'core.electricity-meter'];
  readonly secretSettings = ['password'] as const;
  readonly settingsSchema = Joi.object<MeshSettings>({
    url: Joi.string().pattern(/^(mqtts?|wss?|tcp):\/\/[^\s]+$/).description('Адрес брокера: mqtt://host:1883 (по умолчанию — адрес и порт концентратора)'),
    username: Joi.string().max(200).description('Пользователь брокера'),
    password: Joi.string().max(500).description('Пароль брокера'),
    gatewayId: Joi.string().pattern(/^[^/#+\s]+$/).max(100).description('Идентификатор шлюза (топик indivx/<id>/readings)'),
    topic: Joi.string().max(300).description('Топик (вместо топика по идентификатору шлюза); допускаются + и #'),
    clientId: Joi.string().max(100).description('Идентификатор клиента MQTT (постоянный, для сохранения сессии)'),
    fields: Joi.object<FieldMap>({
      readings: fieldName.default(DEFAULT_FIELDS.readings),
      serial: fieldName.default(DEFAULT_FIELDS.serial),
      time: fieldName.default(DEFAULT_FIELDS.time),
      value: fieldName.default(DEFAULT_FIELDS.value),
      values: fieldName.default(DEFAULT_FIELDS.values),
      unit: fieldName.default(DEFAULT_FIELDS.unit),
      errorCode: fieldName.default(DEFAULT_FIELDS.errorCode),
      id: fieldName.default(DEFAULT_FIELDS.id),
    })
      .default()
      .description('Поля JSON-сообщения'),
    reconnectMs: Joi.number().integer().min(10).max(60_000).default(1000).description('Первая пауза перед переподключением, мс'),
    reconnectMaxMs: Joi.number().integer().min(10).max(600_000).default(30_000).description('Наибольшая пауза перед переподключением, мс'),
  }).or('gatewayId', 'topic');

  private options(target: ConcentratorTarget<MeshSettings>): { url: string; options: IClientOptions } {
    const s = target.settings;
    const url = s.url ?? (target.host ? `mqtt://${target.host}:${target.port ?? 1883}` : undefined);
    if (!url) throw new ConfigError({ ru: 'Не указан брокер MQTT: адрес концентратора или url', en: 'No MQTT broker: the concentrator address or url' }, { field: 'settings.url' });
    return {
      url,
      options: {
        clientId: s.clientId ?? `openamr-${target.id}`,
        clean: false,
        username: s.username,
        password: s.password,
        reconnectPeriod: s.reconnectMs,
        connectTimeout: 10_000,
        protocolVersion: 4,
      },
    };
  }

  async listen(target: ConcentratorTarget<MeshSettings>, sink: PushSink, ctx: DriverContext): Promise<PushListener> {
    const s = target.settings;
    const { url, options } = this.options(target);
    const topic = topicOf(s);
    const keyPrefix = `mesh:${target.id}`;
    const client: MqttClient = mqtt.connect(url, options);
    let delay = s.reconnectMs;
    // Back-off: each failed attempt doubles the wait, a connection resets it.
    client.on('reconnect', () => {
      delay = Math.min(delay * 2, s.reconnectMaxMs);
      client.options.reconnectPeriod = delay;
    });
    client.on('connect', (connack) => {
      delay = s.reconnectMs;
      client.options.reconnectPeriod = delay;
      // A resumed session keeps its subscription; subscribing again is harmless.
      if (!connack.sessionPresent) client.subscribe(topic, { qos: 1 }, (err) => err && ctx.logger.warn({ err, topic }, 'MQTT subscribe failed'));
      ctx.logger.info({ url, topic, sessionPresent: connack.sessionPresent }, 'MQTT connected');
    });
    client.on('error', (err) => ctx.logger.warn({ err: err.message, url }, 'MQTT error'));
    // The ack (PUBACK) leaves only when the callback is called: after the store.
    client.handleMessage = (packet, callback) => {
      const batch = parseMessage(String(packet.topic), Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload), s.fields, keyPrefix);
      sink.store(batch).then(
        () => callback(),
        (err: unknown) => {
          // Not stored, not acknowledged: drop the connection so the broker delivers it again.
          ctx.logger.warn({ err, topic: packet.topic }, 'pushed readings not stored; reconnecting for redelivery');
          client.stream?.destroy();
        },
      );
    };
    const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const onAbort = () => client.end(true);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    return {
      async close() {
        ctx.signal.removeEventListener('abort', onAbort);
        client.end(false);
        await closed;
      },
    };
  }

  async check(target: ConcentratorTarget<MeshSettings>): Promise<CheckResult> {
    let where: { url: string; options: IClientOptions };
    try {
      where = this.options(target);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    // A throwaway clean session: the persistent one keeps its queue untouched.
    const client = mqtt.connect(where.url, { ...where.options, clientId: `${where.options.clientId}-check`, clean: true, reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('нет ответа за 5 с')), 5000);
        client.once('connect', () => (clearTimeout(timer), resolve()));
        client.once('error', (err) => (clearTimeout(timer), reject(err)));
      });
      return { ok: true, message: `Брокер ${where.url} доступен; топик ${topicOf(target.settings)}` };
    } catch (err) {
      return { ok: false, message: `Брокер ${where.url} недоступен: ${(err as Error).message}` };
    } finally {
      client.end(true);
    }
  }
}
