import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SettingsService } from './settings-service.js';

const PREFIX = 'enc:v1:';

/**
 * Secrets at rest (concentrator passwords, keys): AES-256-GCM with a key derived from the
 * server's secret key (OPENAMR_SECRET_KEY, or the one generated at the first start and shared
 * by every node through the database). A stored secret is `enc:v1:<base64url(iv|tag|data)>`.
 */
@injectable()
export class SecretBox {
  private key?: Promise<Buffer>;

  constructor(@inject(SettingsService) private readonly settings: SettingsService) {}

  private keyBytes(): Promise<Buffer> {
    this.key ??= this.settings.secretKey().then((k) => createHash('sha256').update(`openamr-secrets\0${k}`).digest());
    return this.key;
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  async seal(plain: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.keyBytes(), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
  }

  /** The plain text; throws when the value was sealed with another key or altered. */
  async open(sealed: string): Promise<string> {
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', await this.keyBytes(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
