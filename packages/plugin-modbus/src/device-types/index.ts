import type { ModbusDeviceType } from '../register-map.js';
import { carloGavazziEm340 } from './carlo-gavazzi-em340.js';
import { eastronSdm120 } from './eastron-sdm120.js';
import { eastronSdm630 } from './eastron-sdm630.js';

/** The meter models this plugin reads, each with its register map. */
export const MODBUS_DEVICE_TYPES: readonly ModbusDeviceType[] = [eastronSdm630, eastronSdm120, carloGavazziEm340];

/** The model with this id, if this plugin has its register map. */
export function modbusDeviceType(id: string | undefined): ModbusDeviceType | undefined {
  return MODBUS_DEVICE_TYPES.find((t) => t.id === id);
}

export { carloGavazziEm340, eastronSdm120, eastronSdm630 };
