/** Each protocol's address parser as a config AddressCheck, so the config loader (site files, pushed connector lists) reports every problem in one pass. */
import type { AddressChecks } from '../config/site-schema.ts';
import { parseModbusAddress } from './modbus/index.ts';
import { checkNodeId } from './opcua/index.ts';
import { parseS7Address } from './s7/index.ts';

export const addressChecks: AddressChecks = {
  modbus: (address) => {
    const parsed = parseModbusAddress(address);
    return parsed.ok ? undefined : parsed.error;
  },
  s7: (address) => {
    const parsed = parseS7Address(address);
    return parsed.ok ? undefined : parsed.error;
  },
  opcua: checkNodeId,
};
