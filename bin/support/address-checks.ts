/** Each protocol's address parser, handed to the config loader so one pass reports everything. */
import type { AddressChecks } from '../../config/site-schema.ts';
import { parseModbusAddress } from '../../connectors/modbus/index.ts';
import { parseS7Address } from '../../connectors/s7/index.ts';

export const addressChecks: AddressChecks = {
  modbus: (address) => {
    const parsed = parseModbusAddress(address);
    return parsed.ok ? undefined : parsed.error;
  },
  s7: (address) => {
    const parsed = parseS7Address(address);
    return parsed.ok ? undefined : parsed.error;
  },
};
