import type { ModbusDeviceType } from '../register-map.js';
import { eastronSdm120 } from './eastron-sdm120.js';
import { eastronSdm630 } from './eastron-sdm630.js';

/** The meter models this plugin reads, each with its register map. */
export const MODBUS_DEVICE_TYPES: readonly ModbusDeviceType[] = [eastronSdm630, eastronSdm120];

export { eastronSdm120, eastronSdm630 };
