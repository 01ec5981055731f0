import type { DeviceType } from '../plugin-api/device-type.js';
import type { ReaderDriver } from '../plugin-api/reader-driver.js';
import type { ReportGenerator } from '../plugin-api/report-generator.js';
import type { WebPart } from '../plugin-api/web-part.js';
import type { CliCommand } from '../plugin-api/command.js';
import type { PluginMigration } from '../plugin-api/define-plugin.js';

export interface LoadedPlugin {
  id: string;
  name: string;
  version: string;
  /** Absolute folder of the plugin's served assets, if any. */
  webAssetsDir?: string;
  migrations: PluginMigration[];
  deviceTypes: string[];
  readerDrivers: string[];
  reportGenerators: string[];
  webParts: WebPart[];
  commands: string[];
}

class Table<T> {
  private readonly items = new Map<string, { value: T; pluginId: string }>();
  private frozen = false;

  constructor(private readonly what: string) {}

  add(key: string, value: T, pluginId: string): void {
    if (this.frozen) throw new Error(`the ${this.what} registry is frozen: plugins may only register during start-up`);
    const existing = this.items.get(key);
    if (existing) {
      throw new Error(`${this.what} "${key}" is registered twice (by "${existing.pluginId}" and "${pluginId}")`);
    }
    this.items.set(key, { value, pluginId });
  }

  get(key: string): T | undefined {
    return this.items.get(key)?.value;
  }

  ownerOf(key: string): string | undefined {
    return this.items.get(key)?.pluginId;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  values(): T[] {
    return [...this.items.values()].map((i) => i.value);
  }

  freeze(): void {
    this.frozen = true;
  }
}

/** Everything plugins contributed; frozen before the server or the scheduler starts. */
export class Registries {
  readonly plugins = new Table<LoadedPlugin>('plugin');
  readonly deviceTypes = new Table<DeviceType>('device type');
  readonly readerDrivers = new Table<ReaderDriver>('reader driver');
  readonly reportGenerators = new Table<ReportGenerator>('report generator');
  readonly commands = new Table<CliCommand>('command');
  private isFrozen = false;

  get frozen(): boolean {
    return this.isFrozen;
  }

  freeze(): void {
    for (const t of [this.plugins, this.deviceTypes, this.readerDrivers, this.reportGenerators, this.commands]) {
      (t as Table<unknown>).freeze();
    }
    this.isFrozen = true;
  }

  pluginMigrations(): PluginMigration[] {
    return this.plugins.values().flatMap((p) => p.migrations);
  }
}
