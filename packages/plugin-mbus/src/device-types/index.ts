import { engelmannSensostar } from './engelmann-sensostar.js';
import { engelmannWaterstar } from './engelmann-waterstar.js';
import { itronCyble } from './itron-cyble.js';
import { kamstrupMultical601 } from './kamstrup-multical-601.js';
import type { MbusDeviceType } from './mbus-device-type.js';
import { relayHca } from './relay-hca.js';
import { relayPadpuls } from './relay-padpuls.js';
import { saiaBurgessAle3 } from './saia-burgess-ale3.js';
import { sensusPollutherm } from './sensus-pollutherm.js';

/** The meter models this plugin knows, each detected from the telegram's header. */
export const MBUS_DEVICE_TYPES: readonly MbusDeviceType[] = [
  kamstrupMultical601,
  sensusPollutherm,
  engelmannSensostar,
  engelmannWaterstar,
  itronCyble,
  saiaBurgessAle3,
  relayHca,
  relayPadpuls,
];

/** The manufacturers of the known models: tried when a secondary scan must tell meters apart by manufacturer. */
export const KNOWN_MANUFACTURERS: readonly string[] = [...new Set(MBUS_DEVICE_TYPES.flatMap((t) => t.detection?.mbus?.manufacturer ?? []))];

export * from './mbus-device-type.js';
export { CORE_RULES } from './rules.js';
