/** The core's generic device types: the readings files name meters by serial, whatever their kind. */
export const READINGS_FILE_DEVICE_TYPES = ['core.heat-cost-allocator', 'core.heat-meter', 'core.water-meter', 'core.electricity-meter'] as const;
