import type { Knex } from 'knex';
import type { Schema } from 'joi';
import type { DeviceType } from './device-type.js';
import type { ReaderDriver } from './reader-driver.js';
import type { ReportGenerator } from './report-generator.js';
import type { WebPart } from './web-part.js';
import type { CliCommand } from './command.js';

/** A class the core instantiates once, at load time. Constructors must do no I/O. */
export type Constructor<T> = new (...args: any[]) => T;

/** A reversible schema change owned by a plugin; names are timestamped (`20260101120000_create_x`). */
export interface PluginMigration {
  name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * What `register` may do. Every method only declares; nothing runs until the core has
 * loaded every plugin, checked the whole set and frozen the registries.
 */
export interface PluginRegistrar<O = unknown> {
  readonly id: string;
  /** The plugin's options from `openamr.config.json`, validated against `optionsSchema`. */
  readonly options: O;
  addDeviceTypes(...types: DeviceType[]): void;
  addReaderDrivers(...drivers: Array<Constructor<ReaderDriver> | ReaderDriver>): void;
  addReportGenerators(...generators: Array<Constructor<ReportGenerator> | ReportGenerator>): void;
  addWebParts(...parts: WebPart[]): void;
  addCommands(...commands: CliCommand[]): void;
}

export interface PluginSpec<O = unknown> {
  /** Kebab-case; the package folder without its role prefix (`plugin-mbus` → `mbus`). */
  id: string;
  /** The package's name and version, usually `{ name, version }` of its package.json. */
  pkg: { name: string; version: string };
  /** Semver range of `@openamr/core` this plugin was built for. */
  requires: { core: string };
  /** Ids of plugins that must be loaded too. */
  dependsOn?: string[];
  optionsSchema?: Schema<O>;
  migrations?: PluginMigration[];
  /** Folder served at `/plugins/<id>/` (web parts, templates). */
  webAssets?: URL;
  /** Synchronous: only calls `plugin.add*()`. */
  register(plugin: PluginRegistrar<O>): void;
}

export const PLUGIN_BRAND: unique symbol = Symbol.for('openamr.plugin');

export interface OpenAmrPlugin<O = unknown> extends Readonly<PluginSpec<O>> {
  readonly [PLUGIN_BRAND]: true;
}

/**
 * Declares a plugin. The result is the package's default export; importing it connects
 * nothing, starts no timer and reads no file.
 */
export function definePlugin<O = unknown>(spec: PluginSpec<O>): OpenAmrPlugin<O> {
  return Object.freeze({ ...spec, [PLUGIN_BRAND]: true as const });
}

export function isPlugin(value: unknown): value is OpenAmrPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}
