/**
 * Value information codes of EN 13757-3 (primary VIF table, and the extension tables after
 * VIF 0xFD and 0xFB), each with the factor that scales the raw value to the unit, the unit and
 * the quantity. Names and units are libmbus's normalized vocabulary, so a decoded telegram
 * compares with libmbus record by record — including the few places where libmbus departs
 * from the standard (marked "libmbus:"); a code libmbus does not know is unknown here too.
 */
export interface VifInfo {
  factor: number;
  unit: string;
  quantity: string;
}

const TABLE = new Map<number, VifInfo>();
/** A power of ten as C writes it (`1.0e-3`): the correctly rounded double, not a computed power. */
const p10 = (n: number) => Number(`1e${n}`);
const set = (code: number, factor: number, unit: string, quantity: string) => TABLE.set(code, { factor, unit, quantity });
/** Codes `from`…`from + count − 1` scaled by 10^(offset + i). */
const decades = (from: number, count: number, offset: number, unit: string, quantity: string) => {
  for (let i = 0; i < count; i++) set(from + i, p10(offset + i), unit, quantity);
};
const times = (from: number, factors: number[], unit: string, quantity: string) => factors.forEach((f, i) => set(from + i, f, unit, quantity));
const named = (from: number, quantities: string[]) => quantities.forEach((q, i) => set(from + i, 1, '', q));
const reserved = (from: number, to: number) => {
  for (let c = from; c <= to; c++) set(c, 1, 'Reserved', 'Reserved');
};
const S_TO_D = [1, 60, 3600, 86400];
const MONTH = 2629743.83;
const YEAR = 31556926.0;

// Primary VIFs (E = extension bit left out).
decades(0x00, 8, -3, 'Wh', 'Energy');
decades(0x08, 8, 0, 'J', 'Energy');
decades(0x10, 8, -6, 'm^3', 'Volume');
decades(0x18, 8, -3, 'kg', 'Mass');
times(0x20, S_TO_D, 's', 'On time');
times(0x24, S_TO_D, 's', 'Operating time');
decades(0x28, 8, -3, 'W', 'Power');
decades(0x30, 8, 0, 'J/h', 'Power');
decades(0x38, 8, -6, 'm^3/h', 'Volume flow');
decades(0x40, 8, -7, 'm^3/min', 'Volume flow');
decades(0x48, 8, -9, 'm^3/s', 'Volume flow');
decades(0x50, 8, -3, 'kg/h', 'Mass flow');
decades(0x58, 4, -3, '°C', 'Flow temperature');
decades(0x5c, 4, -3, '°C', 'Return temperature');
decades(0x60, 4, -3, 'K', 'Temperature difference');
decades(0x64, 4, -3, '°C', 'External temperature');
decades(0x68, 4, -3, 'bar', 'Pressure');
set(0x6c, 1, '-', 'Time point (date)');
set(0x6d, 1, '-', 'Time point (date & time)');
set(0x6e, 1, 'Units for H.C.A.', 'H.C.A.');
set(0x6f, 0, 'Reserved', 'Reserved');
times(0x70, S_TO_D, 's', 'Averaging Duration');
times(0x74, S_TO_D, 's', 'Actuality Duration');
named(0x78, ['Fabrication No', '(Enhanced) Identification', 'Bus Address']);
named(0x7e, ['Any VIF', 'Manufacturer specific']);

// After VIF 0xFD (0x100 + code).
decades(0x100, 4, -3, 'Currency units', 'Credit');
decades(0x104, 4, -3, 'Currency units', 'Debit');
named(0x108, [
  'Access Number (transmission count)', 'Medium', 'Manufacturer', 'Parameter set identification', 'Model / Version', 'Hardware version',
  'Firmware version', 'Software version', 'Customer location', 'Customer', 'Access Code User', 'Access Code Operator',
  'Access Code System Operator', 'Access Code Developer', 'Password', 'Error flags', 'Error mask',
]);
reserved(0x119, 0x119);
named(0x11a, ['Digital Output', 'Digital Input']);
set(0x11c, 1, 'Baud', 'Baudrate');
set(0x11d, 1, 'Bittimes', 'Response delay time');
named(0x11e, ['Retry']);
reserved(0x11f, 0x11f);
named(0x120, ['First storage # for cyclic storage', 'Last storage # for cyclic storage', 'Size of storage block']);
reserved(0x123, 0x123);
times(0x124, [...S_TO_D, MONTH, YEAR], 's', 'Storage interval');
reserved(0x12a, 0x12b);
times(0x12c, S_TO_D, 's', 'Duration since last readout');
reserved(0x130, 0x130);
times(0x131, [60, 3600, 86400], 's', 'Duration of tariff');
times(0x134, [...S_TO_D, MONTH, YEAR], 's', 'Period of tariff');
named(0x13a, ['Dimensionless']);
reserved(0x13b, 0x13f);
decades(0x140, 16, -9, 'V', 'Voltage');
decades(0x150, 16, -12, 'A', 'Current');
named(0x160, ['Reset counter', 'Cumulation counter', 'Control signal', 'Day of week', 'Week number', 'Time point of day change', 'State of parameter activation', 'Special supplier information']);
times(0x168, [3600, 86400, MONTH, YEAR], 's', 'Duration since last cumulation');
times(0x16c, [3600, 86400, MONTH, YEAR], 's', 'Operating time battery');
named(0x170, ['Date and time of battery change']);
reserved(0x171, 0x17f);

// After VIF 0xFB (0x200 + code).
reserved(0x200, 0x27f);
decades(0x200, 2, 5, 'Wh', 'Energy');
// libmbus: GJ energy is listed with the unit "Reserved" and J factors.
decades(0x208, 2, 8, 'Reserved', 'Energy');
decades(0x210, 2, 2, 'm^3', 'Volume');
decades(0x218, 2, 5, 'kg', 'Mass');
set(0x221, p10(-1), 'feet^3', 'Volume');
set(0x222, p10(-1), 'American gallon', 'Volume');
set(0x223, 1, 'American gallon', 'Volume');
set(0x224, p10(-3), 'American gallon/min', 'Volume flow');
set(0x225, 1, 'American gallon/min', 'Volume flow');
set(0x226, 1, 'American gallon/h', 'Volume flow');
decades(0x228, 2, 5, 'W', 'Power');
// libmbus: GJ/h power with the unit "J".
decades(0x230, 2, 8, 'J', 'Power');
decades(0x258, 4, -3, '°F', 'Flow temperature');
decades(0x25c, 4, -3, '°F', 'Return temperature');
decades(0x260, 4, -3, '°F', 'Temperature difference');
decades(0x264, 4, -3, '°F', 'External temperature');
decades(0x270, 4, -3, '°F', 'Cold / Warm Temperature Limit');
decades(0x274, 4, -3, '°C', 'Cold / Warm Temperature Limit');
decades(0x278, 8, -3, 'W', 'Cumul count max power');
// libmbus: the second cumulated-power code keeps the first one's factor.
set(0x279, p10(-3), 'W', 'Cumul count max power');

/** The information of a code: primary `vif & 0x7f`, `0x100 | vife` after 0xFD, `0x200 | vife` after 0xFB. */
export function vifInfo(code: number): VifInfo | undefined {
  return TABLE.get(code);
}
