import 'reflect-metadata';
import Joi from 'joi';
import semver from 'semver';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { ConfigError } from '../plugin-api/errors.js';
import { isPlugin, type Constructor, type OpenAmrPlugin, type PluginRegistrar } from '../plugin-api/define-plugin.js';
import type { ReaderDriver } from '../plugin-api/reader-driver.js';
import type { ReportGenerator } from '../plugin-api/report-generator.js';
import { DEVICE_KINDS, type DeviceType } from '../plugin-api/device-type.js';
import { CORE_VERSION } from '../version.js';
import type { PluginEntry } from '../config/config.js';
import { BUNDLED_PLUGINS } from './bundled-plugins.js';
import { Registries, type LoadedPlugin } from './registries.js';
import { PLUGIN_OPTIONS } from './tokens.js';
import { corePlugin } from './core-plugin.js';

const PLUGIN_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const EXTENSION_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9][a-z0-9._-]*$/;
const TAG_NAME = /^amr-[a-z0-9]+(-[a-z0-9]+)+$/;

export interface LoadOptions {
  /** The configured list; `undefined` loads every bundled plugin that is installed. */
  plugins?: PluginEntry[];
  /** Folder relative package paths are resolved from. */
  baseDir: string;
  container?: DependencyContainer;
}

function startupError(pluginName: string, ru: string, en: string): ConfigError {
  return new ConfigError(
    { ru: `Плагин ${pluginName}: ${ru}`, en: `Plugin ${pluginName}: ${en}` },
    { field: 'plugins', plugin: pluginName },
  );
}

function isPath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec);
}

/** True when the plugin package itself cannot be found (not a dependency of it). */
function isMissing(err: unknown, spec: string): boolean {
  const e = err as NodeJS.ErrnoException;
  const notFound =
    e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND' || /^Cannot find (module|package) /.test(String(e?.message));
  if (!notFound) return false;
  return isPath(spec) ? true : new RegExp(`^Cannot find (module|package) '${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`).test(e.message);
}

/**
 * A package name is looked up first in the `node_modules` of the config file's folder (a
 * deployment folder with its own plugins), then where OpenAMR itself is installed.
 */
function resolveFromBaseDir(spec: string, baseDir: string): string | undefined {
  try {
    return pathToFileURL(createRequire(join(baseDir, 'openamr.config.json')).resolve(spec)).href;
  } catch {
    return undefined;
  }
}

async function importPlugin(spec: string, baseDir: string): Promise<unknown> {
  const target = isPath(spec) ? pathToFileURL(resolve(baseDir, spec)).href : (resolveFromBaseDir(spec, baseDir) ?? spec);
  const mod = (await import(target)) as { default?: unknown };
  return mod.default;
}

/** Imports, checks and registers the plugins, then freezes the registries. */
export async function loadPlugins(options: LoadOptions): Promise<Registries> {
  const registries = new Registries();
  const parent = options.container ?? rootContainer;
  const explicit = options.plugins !== undefined;
  const entries: PluginEntry[] = options.plugins ?? BUNDLED_PLUGINS.map((p) => ({ package: p }));
  const byId = new Map<string, OpenAmrPlugin>([[corePlugin.id, corePlugin]]);
  const dependencies: Array<[OpenAmrPlugin, string[]]> = [];
  registerPlugin(corePlugin, undefined, registries, parent.createChildContainer());

  for (const entry of entries) {
    const name = entry.package;
    let exported: unknown;
    try {
      exported = await importPlugin(name, options.baseDir);
    } catch (err) {
      if (isMissing(err, name)) {
        if (!explicit) continue; // the default list takes what is installed
        throw startupError(
          name,
          `пакет не установлен. Установите его (npm install ${name}) или уберите из списка plugins в openamr.config.json.`,
          `the package is not installed. Install it (npm install ${name}) or remove it from "plugins" in openamr.config.json.`,
        );
      }
      throw startupError(name, `ошибка при загрузке: ${(err as Error).message}`, `failed to load: ${(err as Error).message}`);
    }
    if (!isPlugin(exported)) {
      throw startupError(
        name,
        'экспорт по умолчанию не является плагином OpenAMR (ожидается definePlugin({...})).',
        'its default export is not an OpenAMR plugin (expected definePlugin({...})).',
      );
    }
    const plugin = exported;
    const label = `${plugin.pkg?.name ?? name} (${plugin.id})`;
    if (!PLUGIN_ID.test(plugin.id)) {
      throw startupError(label, 'id должен быть в kebab-case.', 'its id must be kebab-case.');
    }
    if (byId.has(plugin.id)) {
      throw startupError(
        label,
        `плагин с id "${plugin.id}" уже загружен (${byId.get(plugin.id)!.pkg.name}). Оставьте в списке один из них.`,
        `a plugin with id "${plugin.id}" is already loaded (${byId.get(plugin.id)!.pkg.name}). Keep only one of them in the list.`,
      );
    }
    if (!semver.validRange(plugin.requires?.core) || !semver.satisfies(CORE_VERSION, plugin.requires.core, { includePrerelease: true })) {
      throw startupError(
        label,
        `требует @openamr/core ${plugin.requires?.core}, установлена ${CORE_VERSION}. Установите совместимую версию плагина.`,
        `requires @openamr/core ${plugin.requires?.core}, but ${CORE_VERSION} is installed. Install a compatible version of the plugin.`,
      );
    }
    let pluginOptions: unknown = entry.options;
    if (plugin.optionsSchema) {
      const r = plugin.optionsSchema.validate(entry.options ?? {}, { abortEarly: true });
      if (r.error) {
        const d = r.error.details[0]!;
        throw startupError(
          label,
          `неверные параметры (options.${d.path.join('.')}): ${d.message}. Исправьте их в openamr.config.json.`,
          `invalid options (options.${d.path.join('.')}): ${d.message}. Fix them in openamr.config.json.`,
        );
      }
      pluginOptions = r.value;
    }
    byId.set(plugin.id, plugin);
    dependencies.push([plugin, plugin.dependsOn ?? []]);
    try {
      registerPlugin(plugin, pluginOptions, registries, parent.createChildContainer());
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw startupError(label, (err as Error).message, (err as Error).message);
    }
  }

  for (const [plugin, deps] of dependencies) {
    for (const dep of deps) {
      if (!byId.has(dep)) {
        throw startupError(
          `${plugin.pkg.name} (${plugin.id})`,
          `требуется плагин "${dep}", но он не загружен. Добавьте его пакет в plugins в openamr.config.json.`,
          `depends on plugin "${dep}", which is not loaded. Add its package to "plugins" in openamr.config.json.`,
        );
      }
    }
  }
  for (const driver of registries.readerDrivers.values()) {
    for (const dt of driver.deviceTypes) {
      if (!registries.deviceTypes.has(dt)) {
        const owner = registries.readerDrivers.ownerOf(driver.id)!;
        throw startupError(
          owner,
          `драйвер ${driver.id} ссылается на неизвестный тип прибора ${dt}. Загрузите плагин, который его регистрирует.`,
          `driver ${driver.id} refers to unknown device type ${dt}. Load the plugin that registers it.`,
        );
      }
    }
  }
  for (const plugin of registries.plugins.values()) {
    for (const part of plugin.webParts) {
      const [table, what] =
        part.slot === 'driver-settings' ? [registries.readerDrivers, ['драйвер', 'reader driver']] : [registries.reportGenerators, ['отчёт', 'report generator']];
      if (!table.has(part.for)) {
        throw startupError(
          `${plugin.name} (${plugin.id})`,
          `веб-часть ${part.tagName} (${part.slot}) предназначена для ${part.for}, но такой ${what[0]} не зарегистрирован. Укажите в for id существующего расширения.`,
          `web part ${part.tagName} (${part.slot}) is for ${part.for}, but no ${what[1]} with that id is registered. Name an existing extension in "for".`,
        );
      }
    }
  }
  registries.freeze();
  return registries;
}

function instantiate<T>(item: Constructor<T> | T, c: DependencyContainer): T {
  return typeof item === 'function' ? c.resolve(item as Constructor<T>) : item;
}

function checkExtensionId(pluginId: string, what: string, id: string): void {
  if (!EXTENSION_ID.test(id) || !id.startsWith(`${pluginId}.`)) {
    throw new Error(`${what} id "${id}" must be "${pluginId}.<name>" (kebab-case)`);
  }
}

const deviceTypeSchema = Joi.object({
  id: Joi.string().required(),
  label: Joi.object({ ru: Joi.string().required(), en: Joi.string().required() }).required(),
  kind: Joi.string()
    .valid(...DEVICE_KINDS)
    .required(),
  quantities: Joi.array()
    .items(
      Joi.object({
        key: Joi.string().required(),
        quantity: Joi.string().required(),
        unit: Joi.string().required(),
        cumulative: Joi.boolean().required(),
        label: Joi.any(),
      }),
    )
    .min(1)
    .required(),
  primaryQuantity: Joi.string().required(),
  detection: Joi.object(),
  errorCodes: Joi.object().pattern(Joi.string(), Joi.object({ ru: Joi.string().required(), en: Joi.string().required() })),
});

function registerPlugin(plugin: OpenAmrPlugin, options: unknown, registries: Registries, c: DependencyContainer): void {
  c.register(PLUGIN_OPTIONS, { useValue: options });
  const loaded: LoadedPlugin = {
    id: plugin.id,
    name: plugin.pkg.name,
    version: plugin.pkg.version,
    webAssetsDir: plugin.webAssets ? fileURLToPath(plugin.webAssets) : undefined,
    migrations: plugin.migrations ?? [],
    deviceTypes: [],
    readerDrivers: [],
    reportGenerators: [],
    webParts: [],
    commands: [],
  };
  const registrar: PluginRegistrar<unknown> = {
    id: plugin.id,
    options,
    addDeviceTypes(...types: DeviceType[]) {
      for (const t of types) {
        checkExtensionId(plugin.id, 'device type', t.id);
        const r = deviceTypeSchema.validate(t);
        if (r.error) throw new Error(`device type ${t.id}: ${r.error.message}`);
        if (!t.quantities.some((q) => q.key === t.primaryQuantity)) {
          throw new Error(`device type ${t.id}: primaryQuantity "${t.primaryQuantity}" is not one of its quantities`);
        }
        registries.deviceTypes.add(t.id, Object.freeze(t), plugin.id);
        loaded.deviceTypes.push(t.id);
      }
    },
    addReaderDrivers(...drivers) {
      for (const d of drivers) {
        const driver = instantiate<ReaderDriver>(d, c);
        checkExtensionId(plugin.id, 'reader driver', driver.id);
        const mode: string = driver.mode;
        if (mode !== 'poll' && mode !== 'push') throw new Error(`reader driver ${driver.id}: mode must be "poll" or "push"`);
        if (!Joi.isSchema(driver.settingsSchema)) throw new Error(`reader driver ${driver.id}: settingsSchema must be a joi schema`);
        registries.readerDrivers.add(driver.id, driver, plugin.id);
        loaded.readerDrivers.push(driver.id);
      }
    },
    addReportGenerators(...generators) {
      for (const g of generators) {
        const gen = instantiate<ReportGenerator>(g, c);
        checkExtensionId(plugin.id, 'report generator', gen.id);
        if (!Joi.isSchema(gen.paramsSchema)) throw new Error(`report generator ${gen.id}: paramsSchema must be a joi schema`);
        registries.reportGenerators.add(gen.id, gen, plugin.id);
        loaded.reportGenerators.push(gen.id);
      }
    },
    addWebParts(...parts) {
      for (const p of parts) {
        if (!TAG_NAME.test(p.tagName) || !p.tagName.startsWith(`amr-${plugin.id}-`)) {
          throw new Error(`web part tag "${p.tagName}" must be "amr-${plugin.id}-<name>"`);
        }
        if (!plugin.webAssets) throw new Error(`web part ${p.tagName}: the plugin declares no webAssets folder to serve it from`);
        if (p.module.includes('..') || isAbsolute(p.module)) throw new Error(`web part ${p.tagName}: module must be a path inside webAssets`);
        loaded.webParts.push(Object.freeze({ ...p }));
      }
    },
    addCommands(...commands) {
      for (const cmd of commands) {
        if (!/^[a-z][a-z0-9-]*( [a-z][a-z0-9-]*)*$/.test(cmd.name)) throw new Error(`command "${cmd.name}" must be lowercase words`);
        registries.commands.add(cmd.name, cmd, plugin.id);
        loaded.commands.push(cmd.name);
      }
    },
  };
  plugin.register(registrar);
  registries.plugins.add(plugin.id, loaded, plugin.id);
}
