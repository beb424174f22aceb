/**
 * Modbus tag addresses: "<area>:<offset>[:<type>[:<order>]]", e.g. "hr:0", "ir:10:float32",
 * "hr:4:float32:CDAB", "co:3".
 *
 * Offsets are 0-based protocol (PDU) addresses, not the 1-based "40001" register numbers of
 * vendor manuals: "hr:0" is holding register 40001. [Modbus Application Protocol V1.1b3 §4.4]
 */

/** The four Modbus data tables. */
export type ModbusArea = 'co' | 'di' | 'ir' | 'hr';
export type ModbusDataType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
/**
 * Byte order of a value on the wire, naming the value's big-endian bytes A (most significant)
 * to D. 64-bit values extend the same rule to four registers.
 */
export type ByteOrder = 'AB' | 'BA' | 'ABCD' | 'DCBA' | 'BADC' | 'CDAB';

export interface AreaInfo {
  /** 'bit' tables are read in bits (coils, discrete inputs), 'register' tables in 16-bit words. */
  unit: 'bit' | 'register';
  writable: boolean;
  description: string;
}

export const modbusAreas: Readonly<Record<ModbusArea, AreaInfo>> = {
  co: { unit: 'bit', writable: true, description: 'coil' },
  di: { unit: 'bit', writable: false, description: 'discrete input' },
  ir: { unit: 'register', writable: false, description: 'input register' },
  hr: { unit: 'register', writable: true, description: 'holding register' },
};

export interface DataTypeInfo {
  /** Which table unit the type lives in. */
  unit: 'bit' | 'register';
  /** Registers (or bits) one value spans. */
  width: number;
  /** Integer types are rounded when a scaled engineering value is written. */
  integer: boolean;
  orders: readonly ByteOrder[];
}

const wordOrders: readonly ByteOrder[] = ['AB', 'BA'];
const longOrders: readonly ByteOrder[] = ['ABCD', 'DCBA', 'BADC', 'CDAB'];

export const modbusDataTypes: Readonly<Record<ModbusDataType, DataTypeInfo>> = {
  bool: { unit: 'bit', width: 1, integer: true, orders: [] },
  int16: { unit: 'register', width: 1, integer: true, orders: wordOrders },
  uint16: { unit: 'register', width: 1, integer: true, orders: wordOrders },
  int32: { unit: 'register', width: 2, integer: true, orders: longOrders },
  uint32: { unit: 'register', width: 2, integer: true, orders: longOrders },
  float32: { unit: 'register', width: 2, integer: false, orders: longOrders },
  float64: { unit: 'register', width: 4, integer: false, orders: longOrders },
};

/** The type an address gets when it names none. */
const defaultTypeOfUnit = { bit: 'bool', register: 'int16' } as const satisfies Record<AreaInfo['unit'], ModbusDataType>;

export interface ModbusAddress {
  area: ModbusArea;
  /** 0-based first register (or bit). */
  offset: number;
  type: ModbusDataType;
  /** Empty for bool. */
  order: ByteOrder | '';
  /** Registers (or bits) the value spans. */
  width: number;
  writable: boolean;
}

export type ParsedAddress = { ok: true; address: ModbusAddress } | { ok: false; error: string };

const lastOffset = 65535;
const areaNames = Object.keys(modbusAreas).join(', ');
const registerTypeNames = Object.entries(modbusDataTypes).filter(([, t]) => t.unit === 'register').map(([n]) => n).join(', ');
const shapeHint = 'expected "<area>:<offset>[:<type>[:<order>]]" such as "hr:0", "ir:10:float32", "hr:4:float32:CDAB"';

const isArea = (s: string): s is ModbusArea => Object.hasOwn(modbusAreas, s);
const isDataType = (s: string): s is ModbusDataType => Object.hasOwn(modbusDataTypes, s);

const fail = (error: string): ParsedAddress => ({ ok: false, error });

/** Parses one tag address; never throws. The error says what is wrong and what is expected. */
export function parseModbusAddress(text: string): ParsedAddress {
  const parts = text.trim().split(':');
  if (parts.length < 2 || parts.length > 4 || parts.some((p) => p === '')) {
    return fail(`"${text}" is not a Modbus address; ${shapeHint} (areas ${areaNames})`);
  }
  const [areaText, offsetText, typeText, orderText] = parts as [string, string, string?, string?];

  const area = areaText.toLowerCase();
  if (!isArea(area)) {
    return fail(`area "${areaText}" in "${text}" is not a Modbus area; expected one of ${areaNames} (coil, discrete input, input register, holding register)`);
  }
  const areaInfo = modbusAreas[area];

  if (!/^\d+$/.test(offsetText)) {
    return fail(`offset "${offsetText}" in "${text}" is not a number; expected a 0-based decimal offset 0..${lastOffset}`);
  }
  const offset = Number(offsetText);
  if (offset > lastOffset) return fail(`offset ${offset} is out of range 0..${lastOffset}`);

  const type = (typeText ?? defaultTypeOfUnit[areaInfo.unit]).toLowerCase();
  if (!isDataType(type)) {
    const expected = areaInfo.unit === 'bit' ? 'bool' : `one of ${registerTypeNames}`;
    return fail(`type "${typeText}" in "${text}" is not a Modbus data type; expected ${expected}`);
  }
  const typeInfo = modbusDataTypes[type];
  if (typeInfo.unit !== areaInfo.unit) {
    return areaInfo.unit === 'bit'
      ? fail(`"${area}" holds bits; type must be bool`)
      : fail(`"${area}" holds 16-bit registers; type must be one of ${registerTypeNames}`);
  }

  let order: ByteOrder | '' = typeInfo.orders[0] ?? '';
  if (orderText !== undefined) {
    if (typeInfo.orders.length === 0) return fail(`type ${type} has no byte order; remove ":${orderText}" from "${text}"`);
    const wanted = orderText.toUpperCase();
    const found = typeInfo.orders.find((o) => o === wanted);
    if (!found) {
      return fail(`order "${orderText}" does not fit ${type} (${typeInfo.width * 2} bytes); expected one of ${typeInfo.orders.join(', ')}`);
    }
    order = found;
  }

  if (offset + typeInfo.width - 1 > lastOffset) {
    const noun = typeInfo.width === 1 ? 'register' : 'registers';
    return fail(`type "${type}" needs ${typeInfo.width} ${noun} from ${offset} but the register space ends at ${lastOffset}`);
  }

  return { ok: true, address: { area, offset, type, order, width: typeInfo.width, writable: areaInfo.writable } };
}

/** The canonical text of an address, e.g. for log lines: "hr:4:float32:CDAB". */
export function formatModbusAddress(address: ModbusAddress): string {
  return [address.area, address.offset, address.type, address.order].filter((p) => p !== '').join(':');
}
