/** The Modbus connector against the cold-room shelf simulator, through the shared connector suite. */
import { freePort } from '../../bin/support/free-port.ts';
import { modbusConnectorSchema } from '../../config/site-schema.ts';
import { startShelfSimulator, type ShelfSimulator } from '../../simulators/modbus/index.ts';
import { describeConnectorConformance } from '../connector-conformance.ts';
import { ModbusConnector } from './index.ts';

describeConnectorConformance('modbus', async () => {
  const port = await freePort();
  let simulator: ShelfSimulator | undefined;
  const connector = (tags: Array<{ name: string; address: string; scale?: number }>) => new ModbusConnector(modbusConnectorSchema.parse({
    name: 'shelves', protocol: 'modbus', connection: { transport: 'tcp', host: '127.0.0.1', port },
    timeoutMs: 500, reconnect: { initialDelayMs: 50, maxDelayMs: 300 }, tags,
  }));
  return {
    async startDevice() { simulator = await startShelfSimulator({ port, stepMs: 0, seed: 7 }); },
    async stopDevice() { await simulator?.close(); simulator = undefined; },
    createConnector: () => connector([
      { name: 'int16', address: 'ir:0:int16', scale: 0.1 },
      { name: 'uint16', address: 'ir:1:uint16', scale: 0.1 },
      { name: 'float32', address: 'ir:100:float32' },
      { name: 'holding-int16', address: 'hr:0', scale: 0.1 },
      { name: 'uint32', address: 'hr:10:uint32' },
      { name: 'int32', address: 'hr:10:int32' },
      { name: 'uint32-cdab', address: 'hr:12:uint32:CDAB' },
      { name: 'coil', address: 'co:1' },
      { name: 'discrete-input', address: 'di:1' },
    ]),
    expectedValues() {
      const { shelves: [b10, b11], samples } = simulator!.snapshot();
      return {
        int16: Math.round(b10!.temperatureC * 10) / 10,
        uint16: Math.round(b10!.humidityPct * 10) / 10,
        float32: Math.fround(b10!.temperatureC),
        'holding-int16': b10!.setpointC,
        uint32: samples,
        int32: samples,
        'uint32-cdab': samples,
        coil: b11!.doorOpen,
        'discrete-input': b11!.alarm,
      };
    },
    writes: [{ tag: 'holding-int16', value: 3.5 }, { tag: 'coil', value: true }],
    badAddresses: {
      connector: connector([
        { name: 'a', address: '4x0001' },
        { name: 'b', address: 'co:1:float32' },
        { name: 'c', address: 'hr:70000' },
        { name: 'd', address: 'ir:65535:float32' },
      ]),
      problemPaths: ['tags[0].address', 'tags[1].address', 'tags[2].address', 'tags[3].address'],
    },
  };
});
