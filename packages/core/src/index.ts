/** @openamr/core: the server, plugin loader, storage and CLI. Plugins import `@openamr/core/plugin-api` instead. */
export * from './plugin-api/index.js';
export { createApp, type App, type AppOptions } from './app.js';
export { loadConfig, type AppConfig, type PluginEntry } from './config/config.js';
export { loadPlugins } from './loader/load-plugins.js';
export { Registries } from './loader/registries.js';
export { openDatabase, type Database } from './db/database.js';
export { migrateLatest, migrateRollback } from './db/migrations.js';
export { main } from './cli/main.js';
export { defineRoute, type Access } from './server/route.js';
