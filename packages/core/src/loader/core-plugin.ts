import { definePlugin } from '../plugin-api/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { heatCostAllocator } from '../device-types/heat-cost-allocator.js';
import { heatMeter } from '../device-types/heat-meter.js';
import { waterMeter } from '../device-types/water-meter.js';
import { electricityMeter } from '../device-types/electricity-meter.js';

/** The core's own contributions, always loaded first: generic device types for meters read by hand or from files. */
export const corePlugin = definePlugin({
  id: 'core',
  pkg: { name: '@openamr/core', version: CORE_VERSION },
  requires: { core: `^${CORE_VERSION}` },
  register(plugin) {
    plugin.addDeviceTypes(heatCostAllocator, heatMeter, waterMeter, electricityMeter);
  },
});
