import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type ModbusSerial from 'modbus-serial';
import { MODBUS_DEVICE_TYPES } from './device-types/index.js';
import { encodeRule } from './register-map.js';

const modbus = createRequire(import.meta.url)('modbus-serial') as typeof ModbusSerial;

/** A simulated meter: its unit id, model, and the value of each quantity (in the quantity's unit). */
export interface SimulatedUnit {
  unitId: number;
  deviceTypeId: string;
  values: Record<string, number>;
  /** A dead unit never answers (the master times out). */
  dead?: boolean;
}

export interface ModbusSimulator {
  /** TCP port (for the TCP simulator). */
  port?: number;
  /** Requests answered, by unit id. */
  served: Map<number, number>;
  close(): Promise<void>;
}

/** The input registers of each unit, from its model's register map. */
function images(units: SimulatedUnit[]): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  for (const u of units) {
    const type = MODBUS_DEVICE_TYPES.find((t) => t.id === u.deviceTypeId);
    if (!type) throw new Error(`unknown device type ${u.deviceTypeId}`);
    const regs = new Map<number, number>();
    for (const rule of type.registers) encodeRule(rule, u.values[rule.key] ?? 0).forEach((w, i) => regs.set(rule.address + i, w));
    out.set(u.unitId, regs);
  }
  return out;
}

/**
 * The service vector of modbus-serial's servers for a bus of meters: function 04 reads the
 * units' registers; a register outside a unit's map is exception 02 (illegal data address);
 * a dead or absent unit does not answer.
 */
function vector(units: SimulatedUnit[], served: Map<number, number>) {
  const regs = images(units);
  const dead = new Set(units.filter((u) => u.dead).map((u) => u.unitId));
  const never = new Promise<number>(() => undefined);
  const read = (addr: number, length: number, unitID: number): Array<number | Promise<number>> => {
    const image = regs.get(unitID);
    // A dead or absent unit: values that never come, so the server never answers.
    if (!image || dead.has(unitID)) return new Array(length).fill(never);
    served.set(unitID, (served.get(unitID) ?? 0) + 1);
    const values: number[] = [];
    for (let a = addr; a < addr + length; a++) {
      const w = image.get(a);
      if (w === undefined) throw { modbusErrorCode: 0x02, msg: `illegal data address ${a}` };
      values.push(w);
    }
    return values;
  };
  return { getMultipleInputRegisters: read, getMultipleHoldingRegisters: read };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/** Meters on a Modbus TCP gateway (modbus-serial's ServerTCP answering every unit id). */
export async function startModbusTcpSimulator(opts: { units: SimulatedUnit[]; port?: number; host?: string }): Promise<ModbusSimulator> {
  const port = opts.port ?? (await freePort());
  const served = new Map<number, number>();
  const server = new modbus.ServerTCP(vector(opts.units, served) as never, { host: opts.host ?? '127.0.0.1', port, unitID: 255 });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError' as never, reject);
  });
  return { port, served, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The same meters on a serial device (modbus-serial's ServerSerial, e.g. one end of a socat pty pair). */
export async function startModbusSerialSimulator(opts: { units: SimulatedUnit[]; path: string; baudRate?: number }): Promise<ModbusSimulator> {
  const served = new Map<number, number>();
  let server: InstanceType<typeof modbus.ServerSerial> | undefined;
  await new Promise<void>((resolve, reject) => {
    server = new modbus.ServerSerial(vector(opts.units, served) as never, {
      path: opts.path,
      baudRate: opts.baudRate ?? 9600,
      unitID: 255,
      openCallback: (err?: Error | null) => (err ? reject(err) : resolve()),
    } as never);
  });
  return { served, close: () => new Promise<void>((r) => server!.close(() => r())) };
}
