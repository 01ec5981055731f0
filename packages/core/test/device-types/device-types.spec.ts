import { describeDeviceType } from '../../src/testing/conformance.js';
import { heatCostAllocator } from '../../src/device-types/heat-cost-allocator.js';
import { heatMeter } from '../../src/device-types/heat-meter.js';
import { waterMeter } from '../../src/device-types/water-meter.js';
import { electricityMeter } from '../../src/device-types/electricity-meter.js';

for (const type of [heatCostAllocator, heatMeter, waterMeter, electricityMeter]) describeDeviceType(type);
