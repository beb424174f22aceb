/** The S7 connector against the snap7 press-hall simulator, through the shared connector suite. */
import { freePort } from '../../bin/support/free-port.ts';
import { s7ConnectorSchema } from '../../config/site-schema.ts';
import { startS7Simulator, type S7Simulator } from '../../simulators/s7/index.ts';
import { describeConnectorConformance } from '../connector-conformance.ts';
import { S7Connector } from './index.ts';

describeConnectorConformance('s7', async () => {
  const port = await freePort();
  let simulator: S7Simulator | undefined;
  const connector = (tags: Array<{ name: string; address: string }>) => new S7Connector(s7ConnectorSchema.parse({
    name: 'press-plc', protocol: 's7', connection: { host: '127.0.0.1', port },
    timeoutMs: 1000, reconnect: { initialDelayMs: 50, maxDelayMs: 300 }, tags,
  }));
  return {
    async startDevice() { simulator = await startS7Simulator({ port, stepMs: 0 }); },
    async stopDevice() { await simulator?.close(); simulator = undefined; },
    createConnector: () => connector([
      { name: 'dint', address: 'DB1,DINT0' },
      { name: 'dword', address: 'DB1,DW0' },
      { name: 'string', address: 'DB1,S4.16' },
      { name: 'real', address: 'DB1,REAL22' },
      { name: 'int', address: 'DB1,INT26' },
      { name: 'word', address: 'DB1,W40' },
      { name: 'bit', address: 'DB1,X28.0' },
      { name: 'int-array', address: 'DB1,INT30.3' },
      { name: 'char', address: 'DB2,C9' },
      { name: 'byte', address: 'DB1,BYTE29' },
      { name: 'hold-pressure', address: 'DB1,REAL36' },
      { name: 'auto-mode', address: 'DB1,X42.0' },
    ]),
    expectedValues() {
      const { machines: [imm1], furnace } = simulator!.snapshot();
      return {
        dint: imm1!.shotCounter,
        dword: imm1!.shotCounter,
        string: imm1!.moldId,
        real: Math.fround(imm1!.cycleTimeS),
        int: imm1!.state,
        word: imm1!.injectionSpeedPct,
        bit: imm1!.running,
        'int-array[0]': imm1!.zoneTempC[0]!,
        'int-array[1]': imm1!.zoneTempC[1]!,
        'int-array[2]': imm1!.zoneTempC[2]!,
        char: furnace.ladleId,
        byte: 0, // padding before the zone array
        'hold-pressure': Math.fround(imm1!.holdPressureBar),
        'auto-mode': imm1!.autoMode,
      };
    },
    writes: [{ tag: 'hold-pressure', value: 612.5 }, { tag: 'auto-mode', value: false }, { tag: 'word', value: 64 }],
    badAddresses: {
      connector: connector([
        { name: 'a', address: 'DB1,X' },
        { name: 'b', address: 'DB1,LINT0' },
        { name: 'c', address: 'MW10' },
        { name: 'd', address: 'DB1,X2.9' },
      ]),
      problemPaths: ['tags[0].address', 'tags[1].address', 'tags[2].address', 'tags[3].address'],
    },
  };
});
