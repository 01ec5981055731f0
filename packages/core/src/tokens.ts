import 'reflect-metadata';
import type { InjectionToken } from 'tsyringe';
import type { Knex } from 'knex';
import type { AppConfig } from './config/config.js';
import type { Registries } from './loader/registries.js';
import type { Logger, Clock } from './plugin-api/service-refs.js';
import type { Database } from './db/database.js';

export const DB: InjectionToken<Knex> = Symbol('openamr.knex');
export const DATABASE: InjectionToken<Database> = Symbol('openamr.database');
export const CONFIG: InjectionToken<AppConfig> = Symbol('openamr.config');
export const REGISTRIES: InjectionToken<Registries> = Symbol('openamr.registries');
export const LOGGER: InjectionToken<Logger> = Symbol('openamr.logger');
export const CLOCK: InjectionToken<Clock> = Symbol('openamr.clock');
