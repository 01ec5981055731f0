import { Client, FileType, FTPError, type FileInfo } from 'basic-ftp';
import { AbortedError, ConfigError, ConnectionError, OpenAmrError, ProtocolError, type ConcentratorTarget } from '@openamr/core/plugin-api';
import { FileUnreadable, tooLarge, type FileSource, type ListedFile } from './poll-files.js';
import { listingTime } from './listing-time.js';
import { MemorySink } from './memory-sink.js';

export interface FtpConnectionSettings {
  user: string;
  password: string;
  directory: string;
  secure: boolean;
  verifyCertificate: boolean;
  timeoutMs: number;
}

type Step = 'connect' | 'tls' | 'login' | 'cd' | 'list' | 'retr' | 'dele';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ERR_SOCKET_CLOSED']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_)/;

/**
 * The concentrator's FTP folder over one control connection (passive mode, explicit FTPS
 * when `secure`). Every call honours the signal: aborting closes the client, which ends the
 * call at once. Errors come out typed: the server out of reach, a refused login or a dropped
 * connection are `ConnectionError`; a server answering outside the protocol, `ProtocolError`;
 * a folder that does not exist or FTPS the server does not offer, `ConfigError`.
 */
export class FtpFolder implements FileSource {
  private readonly client: Client;
  private readonly where: string;
  private readonly onAbort = () => this.client.close();

  constructor(
    private readonly target: ConcentratorTarget<FtpConnectionSettings>,
    private readonly signal: AbortSignal,
  ) {
    this.client = new Client(target.settings.timeoutMs);
    this.where = `${target.host}:${target.port ?? 21}`;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Connects, logs in and enters the directory; on failure the client is already closed. */
  async connect(): Promise<void> {
    const { host, port = 21, settings } = this.target;
    if (!host) {
      this.close();
      throw new ConfigError({ ru: 'У концентратора не указан адрес (host) FTP-сервера', en: 'The concentrator has no FTP server address (host)' }, { field: 'host' });
    }
    try {
      await this.step('connect', () => this.client.connect(host, port));
      if (settings.secure) await this.step('tls', () => this.client.useTLS({ host, rejectUnauthorized: settings.verifyCertificate }));
      await this.client.sendIgnoringError('OPTS UTF8 ON');
      await this.step('login', () => this.client.login(settings.user, settings.password));
      await this.step('login', () => this.client.useDefaultSettings());
      await this.step('cd', () => this.client.cd(settings.directory));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async list(): Promise<ListedFile[]> {
    const now = new Date();
    const infos = await this.step('list', () => this.client.list());
    return infos.filter((f) => f.type === FileType.File && isPlainName(f.name)).map((f) => listed(f, now));
  }

  async download(file: ListedFile, maxBytes: number): Promise<Buffer> {
    const sink = new MemorySink(maxBytes);
    await this.step('retr', () => this.client.downloadTo(sink, file.name), file.name);
    if (sink.overflowed) throw tooLarge(file, maxBytes);
    if (sink.bytes < file.size) {
      // The server said the transfer was complete, yet less came than it listed: a cut data connection.
      throw new ConnectionError(
        { ru: `FTP-сервер ${this.where}: передача файла ${file.name} прервана (получено ${sink.bytes} из ${file.size} байт)`, en: `FTP server ${this.where}: the transfer of ${file.name} was cut (${sink.bytes} of ${file.size} bytes received)` },
        { file: file.name },
      );
    }
    return sink.content();
  }

  async remove(file: ListedFile): Promise<void> {
    await this.step('dele', () => this.client.remove(file.name), file.name);
  }

  /** Idempotent. */
  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.client.close();
  }

  private async step<T>(step: Step, run: () => Promise<T>, file?: string): Promise<T> {
    if (this.signal.aborted) throw aborted(this.signal);
    try {
      return await run();
    } catch (err) {
      throw this.translate(err, step, file);
    }
  }

  private translate(err: unknown, step: Step, file?: string): Error {
    if (this.signal.aborted) return aborted(this.signal);
    if (err instanceof OpenAmrError) return err;
    const at = this.where;
    const dir = this.target.settings.directory;
    const reason = (err as Error)?.message ?? String(err);
    const details = { host: this.target.host, port: this.target.port ?? 21, ...(file ? { file } : {}) };
    if (err instanceof FTPError) {
      if (step === 'login' && (err.code === 530 || err.code >= 500)) {
        return new ConnectionError(
          { ru: `FTP-сервер ${at} отклонил вход пользователя «${this.target.settings.user}»: ${err.code} ${reason}. Проверьте имя и пароль.`, en: `FTP server ${at} refused the login of "${this.target.settings.user}": ${err.code} ${reason}. Check the user and password.` },
          details,
        );
      }
      if (step === 'tls' && err.code >= 500) {
        return new ConfigError(
          { ru: `FTP-сервер ${at} не поддерживает FTPS (AUTH TLS): ${reason}. Отключите «secure».`, en: `FTP server ${at} does not offer FTPS (AUTH TLS): ${reason}. Turn "secure" off.` },
          { ...details, field: 'secure' },
        );
      }
      if (step === 'cd' && err.code === 550) {
        return new ConfigError(
          { ru: `На FTP-сервере ${at} нет папки ${dir}: ${reason}. Проверьте «directory».`, en: `FTP server ${at} has no folder ${dir}: ${reason}. Check "directory".` },
          { ...details, field: 'directory' },
        );
      }
      if ((step === 'retr' || step === 'dele') && err.code === 550 && file) {
        return new FileUnreadable('file-unreadable', `Файл ${file} на FTP-сервере ${at} недоступен: ${reason}`, false);
      }
      if (err.code < 500) {
        return new ConnectionError({ ru: `FTP-сервер ${at} временно не выполнил команду: ${err.code} ${reason}`, en: `FTP server ${at} could not serve the request: ${err.code} ${reason}` }, details);
      }
      return new ProtocolError({ ru: `FTP-сервер ${at} ответил ошибкой: ${err.code} ${reason}`, en: `FTP server ${at} answered with an error: ${err.code} ${reason}` }, details);
    }
    const code = String((err as { code?: unknown })?.code ?? '');
    if (TLS_CODE.test(code)) {
      return new ConfigError(
        { ru: `FTPS-соединение с ${at} не установлено: ${reason}. Проверьте сертификат сервера или отключите «verifyCertificate».`, en: `FTPS connection to ${at} failed: ${reason}. Check the server certificate or turn "verifyCertificate" off.` },
        { ...details, field: 'verifyCertificate' },
      );
    }
    // basic-ftp closes the client on every socket failure (refused, reset, timeout, FIN): the peer is gone.
    if (SOCKET_CODES.has(code) || this.client.closed) {
      const what = step === 'connect' ? { ru: 'недоступен', en: 'is unreachable' } : { ru: 'разорвал соединение', en: 'dropped the connection' };
      return new ConnectionError({ ru: `FTP-сервер ${at} ${what.ru}: ${reason}`, en: `FTP server ${at} ${what.en}: ${reason}` }, details, { cause: err });
    }
    return new ProtocolError({ ru: `FTP-сервер ${at} ответил не по протоколу: ${reason}`, en: `FTP server ${at} answered outside the protocol: ${reason}` }, details, { cause: err });
  }
}

function aborted(signal: AbortSignal): AbortedError {
  return new AbortedError({ ru: 'Опрос прерван', en: 'The poll was aborted' }, {}, { cause: signal.reason });
}

/** A name the server listed in the folder itself: no path separators, no `.`/`..`. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

function listed(f: FileInfo, now: Date): ListedFile {
  const mtime = f.modifiedAt ? f.modifiedAt.toISOString() : f.rawModifiedAt;
  return { name: f.name, size: f.size, mtime, time: f.modifiedAt ? f.modifiedAt.getTime() : listingTime(f.rawModifiedAt, now) };
}
