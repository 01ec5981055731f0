import 'reflect-metadata';
import type { InjectionToken } from 'tsyringe';

/** The validated options of the plugin whose child container resolves the token. */
export const PLUGIN_OPTIONS: InjectionToken<unknown> = Symbol('openamr.plugin-options');
