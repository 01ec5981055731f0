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
import { Intake } from './intake.js';
import { DEFAULT_FIELDS, parseMessage, type FieldMap } from './payload.js';

export interface MeshSettings {
  /** `mqtt://host:port` or `mqtts://…`; by default the concentrator's host and port (1883). */
  url?: string;
  username?: string;
  password?: string;
  /** The gateway's id in the default topic `indivx/<gatewayId>/readings`. */
  gatewayId?: string;
  /** The topic filter (MQTT wildcards allowed); by default `indivx/<gatewayId>/readings`, or `indivx/+/readings` without a gateway id. */
  topic?: string;
  /** Stable across restarts, so the broker keeps the session: `openamr-<concentrator id>` by default. */
  clientId?: string;
  fields: FieldMap;
  /** First wait before reconnecting, ms; doubles up to `reconnectMaxMs`. */
  reconnectMs: number;
  reconnectMaxMs: number;
  /** At most this many messages are stored in one transaction. */
  batchMessages: number;
  /** A message waits at most this long (ms) for others to share its transaction. */
  batchMs: number;
}

/** A store starts once the broker sent nothing for this long (ms): it has sent what it had. */
const GAP_MS = 10;

/** The topic filter a concentrator subscribes to. */
export function topicOf(s: Pick<MeshSettings, 'topic' | 'gatewayId'>): string {
  return s.topic ?? `indivx/${s.gatewayId ?? '+'}/readings`;
}

/**
 * The gateway a message came from by its topic: the level where the filter has its first
 * wildcard (`indivx/+/readings` and `indivx/GW-17/readings` → `GW-17`), else `fallback`.
 */
export function gatewayOfTopic(filter: string, topic: string, fallback: string): string {
  const levels = filter.split('/');
  const at = levels.findIndex((l) => l === '+' || l === '#');
  const level = at < 0 ? undefined : topic.split('/')[at];
  return level || fallback;
}

/** MQTT 3.1.1 §3.4: PUBACK, remaining length 2, the packet identifier. */
function puback(messageId: number): Buffer {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

/** A valid MQTT topic filter: `+` a whole level, `#` the whole last level. */
function topicFilter(value: string, helpers: Joi.CustomHelpers): string | Joi.ErrorReport {
  const levels = value.split('/');
  const ok = levels.every((l, i) => (l === '#' ? i === levels.length - 1 : l === '+' || !/[+#]/.test(l)));
  return ok ? value : helpers.error('any.invalid');
}

/** Passed to mqtt.js's handleMessage callback: the client goes on to the next packet without sending the PUBACK. */
const NOT_YET = new Error('acknowledged after the store');

const fieldName = Joi.string().max(64);

/**
 * `mesh.gateway` (INDIV-X-Gateway Mesh): the gateway publishes its meters' readings as JSON
 * to an MQTT broker; the core runs one listener per concentrator in the cluster. QoS 1 on a
 * persistent session (clean session off, a stable client id): what the gateway published
 * while no node listened is delivered when one is back. Messages are stored a batch at a
 * time (one transaction, idempotent by source key) and each is acknowledged only after its
 * batch is stored, so a crash before the store means redelivery, never loss; a redelivered
 * message stores nothing new. A malformed message is a problem in the journal and is
 * acknowledged with its batch (it would never parse); the subscription goes on. A lost
 * broker is reconnected with back-off.
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
    topic: Joi.string().max(300).custom(topicFilter).description('Топик (вместо indivx/<идентификатор шлюза>/readings); допускаются + и #'),
    clientId: Joi.string().max(100).description('Идентификатор клиента MQTT (постоянный, для сохранения сессии)'),
    fields: Joi.object<FieldMap>({
      readings: fieldName.default(DEFAULT_FIELDS.readings).description('Массив показаний'),
      serial: fieldName.default(DEFAULT_FIELDS.serial).description('Заводской номер прибора'),
      time: fieldName.default(DEFAULT_FIELDS.time).description('Время показания'),
      value: fieldName.default(DEFAULT_FIELDS.value).description('Значение'),
      values: fieldName.default(DEFAULT_FIELDS.values).description('Несколько величин'),
      unit: fieldName.default(DEFAULT_FIELDS.unit).description('Единица'),
      errorCode: fieldName.default(DEFAULT_FIELDS.errorCode).description('Код ошибки'),
      id: fieldName.default(DEFAULT_FIELDS.id).description('Идентификатор показания'),
      gateway: fieldName.default(DEFAULT_FIELDS.gateway).description('Идентификатор шлюза'),
    })
      .default()
      .description('Поля JSON-сообщения'),
    reconnectMs: Joi.number().integer().min(10).max(60_000).default(1000).description('Первая пауза перед переподключением, мс'),
    reconnectMaxMs: Joi.number().integer().min(10).max(600_000).default(30_000).description('Наибольшая пауза перед переподключением, мс'),
    batchMessages: Joi.number().integer().min(1).max(1000).default(100).description('Сообщений в одной транзакции, не более'),
    batchMs: Joi.number().integer().min(0).max(1000).default(100).description('Наибольшее ожидание сообщения перед записью, мс'),
  });

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
    const fallbackGateway = s.gatewayId ?? target.id;
    const client: MqttClient = mqtt.connect(url, options);
    const log = ctx.logger;

    const intake = new Intake((batch) => sink.store(batch), {
      batchMessages: s.batchMessages,
      batchMs: s.batchMs,
      gapMs: Math.min(GAP_MS, s.batchMs),
      maxPending: 2 * s.batchMessages,
      onFailure(err) {
        // Not stored, not acknowledged: drop the connection so the broker delivers them again.
        log.warn({ err, topic }, 'pushed readings not stored; reconnecting for redelivery');
        const stream = client.stream;
        intake.dropConnection(stream);
        stream?.destroy();
      },
    });

    // Back-off: each failed attempt doubles the wait (±20 %, so listeners do not reconnect in step), a connection resets it.
    let delay = s.reconnectMs;
    client.on('reconnect', () => {
      delay = Math.min(delay * 2, s.reconnectMaxMs);
      client.options.reconnectPeriod = Math.round(delay * (0.8 + Math.random() * 0.4));
    });
    client.on('connect', (connack) => {
      delay = s.reconnectMs;
      client.options.reconnectPeriod = delay;
      // Subscribing again is harmless on a resumed session, and takes a changed topic.
      client.subscribe(topic, { qos: 1 }, (err, granted) => {
        if (err) log.warn({ err, topic }, 'MQTT subscribe failed');
        else if (granted?.some((g) => g.qos === 128)) log.warn({ topic }, 'MQTT subscription refused by the broker');
        else log.info({ topic }, 'MQTT subscribed');
      });
      log.info({ url, topic, sessionPresent: connack.sessionPresent }, 'MQTT connected');
    });
    client.on('error', (err) => log.warn({ err: err.message, url }, 'MQTT error'));
    client.on('close', () => {
      // What came on the closed connection and waits is delivered again on the next one.
      if (client.stream) intake.dropConnection(client.stream);
    });

    let closing = false;
    // mqtt.js sends the PUBACK when this callback is called without an error, and only then
    // goes on to the next packet; called with one, it goes on without acknowledging. The
    // messages are acknowledged here, on their own connection, after their batch is stored.
    client.handleMessage = (packet, callback) => {
      if (closing) return callback(NOT_YET);
      const stream = client.stream;
      const topicName = String(packet.topic);
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const messageId = packet.qos > 0 ? packet.messageId : undefined;
      intake.push({
        batch: parseMessage(topicName, payload, s.fields, gatewayOfTopic(topic, topicName, fallbackGateway)),
        connection: stream,
        ack() {
          if (messageId !== undefined && client.stream === stream && !stream.destroyed && stream.writable) stream.write(puback(messageId));
        },
      });
      // Back-pressure: with too many messages waiting, the next packet is read once a store made room.
      if (intake.full) void intake.room().then(() => callback(NOT_YET));
      else callback(NOT_YET);
    };

    let ended: Promise<void> | undefined;
    const shutdown = () =>
      (ended ??= (async () => {
        closing = true;
        // The batch being stored is stored and acknowledged; what waits is the broker's again.
        await intake.close();
        await new Promise<void>((resolve) => {
          // Not connected: nothing to say goodbye to. Connected: DISCONNECT after the last PUBACKs, or give up after 2 s.
          const force = setTimeout(() => (client.stream?.destroy(), resolve()), 2000);
          client.end(!client.connected, () => (clearTimeout(force), resolve()));
        });
      })());
    const onAbort = () => void shutdown();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    return {
      async close() {
        ctx.signal.removeEventListener('abort', onAbort);
        await shutdown();
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
