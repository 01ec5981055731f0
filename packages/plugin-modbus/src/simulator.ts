import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type ModbusSerial from 'modbus-serial';
import { modbusDeviceType } from './device-types/index.js';
import { encodeRule, type RegisterTable } from './register-map.js';

const modbus = createRequire(import.meta.url)('modbus-serial') as typeof ModbusSerial;

/**
 * A simulated meter at a unit id: its registers come from a model and the value of each of
 * its quantities (in the quantity's unit), or are given raw (`registers`, as read from a real
 * meter), or both (raw words win).
 */
export interface SimulatedUnit {
  unitId: number;
  deviceTypeId?: string;
  values?: Record<string, number>;
  /** Raw registers by table: first register (e.g. `"0x0048"`) → its words in hex, e.g. `"4640 e6ae 3fc0 0000"`. */
  registers?: Partial<Record<RegisterTable, Record<string, string>>>;
  /** A dead unit never answers (the master times out). */
  dead?: boolean;
  /** Answers this late (a slow unit, or one the master has given up on). */
  delayMs?: number;
}

export interface ModbusSimulator {
  /** TCP port (for the TCP simulator). */
  port?: number;
  /** Requests answered (values or an exception), by unit id. */
  served: Map<number, number>;
  /** Masters connected now (TCP). */
  connections(): number;
  /** Drops every connected master, as a gateway that restarts does (TCP). */
  dropConnections(): void;
  close(): Promise<void>;
}

type Image = Record<RegisterTable, Map<number, number>>;

/** The registers of each unit, by table. */
function imageOf(u: SimulatedUnit): Image {
  const image: Image = { input: new Map(), holding: new Map() };
  if (u.deviceTypeId !== undefined) {
    const type = modbusDeviceType(u.deviceTypeId);
    if (!type) throw new Error(`unit ${u.unitId}: no register map for ${u.deviceTypeId}`);
    for (const rule of type.registers) encodeRule(rule, u.values?.[rule.key] ?? 0).forEach((w, i) => image[rule.table].set(rule.address + i, w));
  }
  for (const table of ['input', 'holding'] as const) {
    for (const [start, hex] of Object.entries(u.registers?.[table] ?? {})) {
      const digits = hex.replace(/\s+/g, '');
      if (!/^([0-9a-f]{4})+$/i.test(digits)) throw new Error(`unit ${u.unitId}, ${table} ${start}: not 16-bit words in hex: ${hex}`);
      const first = Number(start);
      if (!Number.isInteger(first) || first < 0 || first > 0xffff) throw new Error(`unit ${u.unitId}, ${table}: bad register ${start}`);
      for (let i = 0; i < digits.length / 4; i++) image[table].set(first + i, parseInt(digits.slice(i * 4, i * 4 + 4), 16));
    }
  }
  return image;
}

type Reply = (err: unknown, values?: number[]) => void;

/**
 * The service vector of modbus-serial's servers for a bus of meters: functions 03 and 04 read
 * a unit's holding and input registers; a register the unit does not have is exception 02
 * (illegal data address); a dead or absent unit does not answer.
 */
function vector(units: SimulatedUnit[], served: Map<number, number>) {
  const byId = new Map(units.map((u) => [u.unitId, { unit: u, image: imageOf(u) }]));
  const read = (table: RegisterTable) => (addr: number, length: number, unitID: number, reply: Reply) => {
    const bus = byId.get(unitID);
    if (!bus || bus.unit.dead) return; // silence: the master waits for its timeout
    const answer = () => {
      served.set(unitID, (served.get(unitID) ?? 0) + 1);
      const values: number[] = [];
      for (let a = addr; a < addr + length; a++) {
        const w = bus.image[table].get(a);
        // modbus-serial indexes the values even after an error: an empty list, not none.
        if (w === undefined) return reply({ modbusErrorCode: 0x02, msg: `illegal data address ${a}` }, []);
        values.push(w);
      }
      reply(null, values);
    };
    if (bus.unit.delayMs) setTimeout(answer, bus.unit.delayMs);
    else answer();
  };
  const one = (table: RegisterTable) => (addr: number, unitID: number, reply: (err: unknown, value?: number) => void) =>
    read(table)(addr, 1, unitID, (err, values) => reply(err, values?.[0]));
  return {
    getMultipleInputRegisters: read('input'),
    getMultipleHoldingRegisters: read('holding'),
    // modbus-serial asks for a single register through these.
    getInputRegister: one('input'),
    getHoldingRegister: one('holding'),
  };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/** Meters behind a Modbus TCP gateway: modbus-serial's ServerTCP answering every unit id. */
export async function startModbusTcpSimulator(opts: { units: SimulatedUnit[]; port?: number; host?: string }): Promise<ModbusSimulator> {
  const port = opts.port ?? (await freePort());
  const served = new Map<number, number>();
  // unitID 255: the server answers every unit id and leaves the choice to the vector.
  const server = new modbus.ServerTCP(vector(opts.units, served) as never, { host: opts.host ?? '127.0.0.1', port, unitID: 255 });
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError' as never, reject);
  });
  const socks = (server as unknown as { socks: Map<import('node:net').Socket, number> }).socks;
  return {
    port,
    served,
    connections: () => socks.size,
    dropConnections: () => socks.forEach((_, sock) => sock.destroy()),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
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
  return { served, connections: () => 1, dropConnections: () => undefined, close: () => new Promise<void>((r) => server!.close(() => r())) };
}
