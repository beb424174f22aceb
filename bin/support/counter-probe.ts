/**
 * Reads a counter straight from a simulator, beside the gateway: the test's own witness of the
 * value a device held (for example just before it is killed). It goes through the connectors'
 * protocol ports, the thin wrappers of modbus-serial, nodes7 and node-opcua, and none of the
 * connector logic (link supervision, read planning, reconnects) that the test is checking.
 */
import type { ModbusPort } from '../../connectors/modbus/modbus-port.ts';
import { createModbusSerialPort } from '../../connectors/modbus/modbus-port.ts';
import { createNodeOpcuaPort } from '../../connectors/opcua/opcua-port.ts';
import { createNodeS7Port } from '../../connectors/s7/s7-port.ts';

export type CounterTarget =
  /** A uint32 in two holding registers, high word first (the shelf simulator's hr:10). */
  | { protocol: 'modbus'; host: string; port: number; unitId: number; holdingRegister: number }
  /** A nodes7 address of a whole number, e.g. "DB1,DINT0". */
  | { protocol: 's7'; host: string; port: number; rack: number; slot: number; address: string }
  /** An integer Variable, read with security None and an anonymous session. */
  | { protocol: 'opcua'; endpoint: string; nodeId: string; pkiDir: string };

export interface CounterProbe {
  /** Connects (again, after a restart) and reads the counter once; the link stays open. */
  read(): Promise<number>;
  /** Drops the link; the device may be gone already. Never rejects. */
  disconnect(): Promise<void>;
  /** disconnect(), and releases what the probe holds. */
  dispose(): Promise<void>;
}

const timeoutMs = 2000;

function wholeNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${where} answered ${JSON.stringify(value)}; expected a whole number`);
  return value;
}

const probes: { [P in CounterTarget['protocol']]: (target: Extract<CounterTarget, { protocol: P }>) => CounterProbe } = {
  modbus(target) {
    let port: ModbusPort | undefined;
    const disconnect = async () => { await port?.close(); port = undefined; };
    return {
      async read() {
        await disconnect();
        port = await createModbusSerialPort();
        port.setID(target.unitId);
        port.setTimeout(timeoutMs);
        await port.connectTCP({ host: target.host, port: target.port, connectTimeoutMs: timeoutMs });
        const [high, low] = await port.readHoldingRegisters(target.holdingRegister, 2);
        return wholeNumber(high! * 0x10000 + low!, `hr:${target.holdingRegister}`);
      },
      disconnect,
      dispose: disconnect,
    };
  },
  s7(target) {
    const port = createNodeS7Port();
    return {
      async read() {
        await port.close();
        await port.connect({ host: target.host, port: target.port, rack: target.rack, slot: target.slot, timeoutMs });
        const item = (await port.readItems([target.address])).get(target.address);
        if (!item?.ok) throw new Error(`${target.address}: the PLC answered ${item?.quality ?? 'nothing'}`);
        return wholeNumber(item.value, target.address);
      },
      disconnect: () => port.close(),
      dispose: () => port.close(),
    };
  },
  opcua(target) {
    const port = createNodeOpcuaPort({
      endpoint: target.endpoint, securityMode: 'None', securityPolicy: 'None', auth: { type: 'anonymous' }, timeoutMs, pkiDir: target.pkiDir,
      applicationName: 'edgestock-test-probe',
    });
    return {
      async read() {
        await port.connect(); // closes any previous session first
        const [value] = await port.read([target.nodeId]);
        if (!value || value.statusName !== 'Good') throw new Error(`${target.nodeId}: the server answered ${value?.statusName ?? 'nothing'}`);
        return wholeNumber(value.value, target.nodeId);
      },
      disconnect: () => port.close(),
      dispose: () => port.dispose(),
    };
  },
};

export function counterProbe(target: CounterTarget): CounterProbe {
  return (probes[target.protocol] as (t: CounterTarget) => CounterProbe)(target);
}
