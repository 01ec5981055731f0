import type { MbusDeviceType } from './mbus-device-type.js';

/**
 * Relay PadPuls M-Bus pulse adapter (INDIV-X-Pulse-like): its channels count the pulses of
 * connected water, gas or electricity meters. A channel is not a reading by itself: a meter
 * setting `pulse` turns it into the connected meter's reading (count × weight + start).
 */
export const relayPadpuls: MbusDeviceType = {
  id: 'mbus.relay-padpuls',
  label: { ru: 'Relay PadPuls (импульсный адаптер M-Bus)', en: 'Relay PadPuls M-Bus pulse adapter' },
  kind: 'water-meter',
  quantities: [{ key: 'channel1', quantity: 'pulses', unit: 'pulses', cumulative: true, label: { ru: 'Канал 1', en: 'Channel 1' } }],
  primaryQuantity: 'channel1',
  detection: { mbus: { manufacturer: 'REL', media: ['Gas', 'Other', 'Water', 'Electricity'] } },
  records: [
    { key: 'channel1', quantity: 'Volume', units: { 'm^3': ['m3', '1'] } },
    { key: 'channel1', quantity: 'Energy', units: { Wh: ['Wh', '1'] } },
  ],
  sample: 'REL-Relay-Padpuls2.hex',
  pulseAdapter: true,
};
