/**
 * A spot-weld cell served over OPC UA with node-opcua's own OPCUAServer: guns G1..G3 under
 * Objects/WeldCell, values moved by the weld scenario. Address space: ADDRESS-SPACE.md.
 *
 * Every variable holds its value (no getter) and has MinimumSamplingInterval 0, and the server
 * advertises MinSupportedSampleRate 0: a client that asks for sampling interval 0 is served
 * exception-based and sees every change (OPC 10000-4 5.12.1.2), however fast the values move.
 */
import {
  DataType, makeEUInformation, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy,
  standardUnits, StatusCodes, Variant, type EUInformation, type Namespace, type UAObject, type UAVariable,
} from 'node-opcua';
import { createWeldScenario, weldGunNames, type WeldGunName, type WeldGunState } from './weld-scenario.ts';

export type SimulatorSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt';

export interface OpcuaSimulatorOptions {
  /** Address to bind, also the host named in the endpoint URL; default 127.0.0.1. */
  host?: string;
  /** TCP port. */
  port: number;
  /** The server's PKI store (own certificate, trusted/ and rejected/ client certificates). */
  pkiDir: string;
  /** Scenario step period (one weld per enabled gun); 0 steps only when step() is called. */
  stepMs?: number;
  /** Endpoints offered; default all three. */
  securityModes?: readonly SimulatorSecurityMode[];
  /** Trust every client certificate on first sight (default true: a stand-in, not a plant server). */
  acceptUnknownClientCertificates?: boolean;
  /** Welds per electrode cap before the scenario changes it (default 250). */
  capLifeWelds?: number;
  seed?: number;
}

export interface GunSnapshot {
  name: WeldGunName;
  weldCount: number;
  electrodeCapId: string;
  capLifeWelds: number;
  sheetThicknessMm: number;
  weldCurrentKa: number;
  enabled: boolean;
}

export interface OpcuaSimulator {
  port: number;
  /** opc.tcp://<host>:<port>/edgestock/weld-cell */
  endpoint: string;
  setWeldCount(gun: WeldGunName, count: number): void;
  setSheetThickness(gun: WeldGunName, thicknessMm: number): void;
  /** One weld on every enabled gun. */
  step(): void;
  snapshot(): { guns: GunSnapshot[] };
  close(): Promise<void>;
}

/** The simulator's only user besides anonymous. */
export const simulatorUser = { username: 'engineer', password: 'engineer-demo' } as const;
export const resourcePath = '/edgestock/weld-cell';

const kiloampere = makeEUInformation('B22', 'kA', 'kiloampere = 1E3 A');

const modes: Readonly<Record<SimulatorSecurityMode, MessageSecurityMode>> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

/** The NodeId of a gun member, e.g. "ns=1;s=WeldCell.G1.WeldCount". */
export const weldNodeId = (gun: WeldGunName, member: keyof GunVariables) => `ns=1;s=WeldCell.${gun}.${member}`;

interface GunVariables {
  WeldCount: UAVariable;
  ElectrodeCapId: UAVariable;
  SheetThicknessMm: UAVariable;
  WeldCurrentKa: UAVariable;
  CapLifeWelds: UAVariable;
  Enabled: UAVariable;
}

export async function startOpcuaSimulator(opts: OpcuaSimulatorOptions): Promise<OpcuaSimulator> {
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: opts.pkiDir,
    automaticallyAcceptUnknownCertificate: opts.acceptUnknownClientCertificates ?? true,
    disableFileWatchers: true,
  });
  await serverCertificateManager.initialize();
  const securityModes = (opts.securityModes ?? ['None', 'Sign', 'SignAndEncrypt']).map((m) => modes[m]);
  const withNone = securityModes.includes(MessageSecurityMode.None);
  const host = opts.host ?? '127.0.0.1';
  const server = new OPCUAServer({
    port: opts.port,
    host,
    hostname: host,
    resourcePath,
    serverCertificateManager,
    securityModes,
    securityPolicies: [
      ...(withNone ? [SecurityPolicy.None] : []),
      SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss,
    ],
    allowAnonymous: true,
    userManager: {
      isValidUser: (username: string, password: string) => username === simulatorUser.username && password === simulatorUser.password,
    },
    serverCapabilities: { minSupportedSampleRate: 0 },
    buildInfo: { productName: 'edgestock weld-cell simulator', manufacturerName: 'edgestock' },
  });
  await server.initialize();

  const scenario = createWeldScenario({ seed: opts.seed, capLifeWelds: opts.capLifeWelds });
  const namespace = server.engine.addressSpace!.getOwnNamespace();
  const objectsFolder = server.engine.addressSpace!.rootFolder.objects;
  const cell = namespace.addObject({ organizedBy: objectsFolder, browseName: 'WeldCell', nodeId: 's=WeldCell' });
  const variables = new Map<WeldGunName, GunVariables>();
  for (const gun of scenario.guns) variables.set(gun.name as WeldGunName, addGun(namespace, cell, gun));

  const publish = (gun: WeldGunState) => {
    const v = variables.get(gun.name as WeldGunName)!;
    set(v.WeldCount, DataType.UInt32, gun.weldCount);
    set(v.ElectrodeCapId, DataType.String, gun.electrodeCapId);
    set(v.SheetThicknessMm, DataType.Double, gun.sheetThicknessMm);
    set(v.WeldCurrentKa, DataType.Double, gun.weldCurrentKa);
    set(v.CapLifeWelds, DataType.UInt32, gun.capLifeWelds);
    set(v.Enabled, DataType.Boolean, gun.enabled);
  };
  const gunState = (name: WeldGunName) => {
    const gun = scenario.guns.find((g) => g.name === name);
    if (!gun) throw new Error(`unknown weld gun "${name}"; expected one of ${weldGunNames.join(', ')}`);
    return gun;
  };
  // Clients write the setpoints; the scenario follows them from the next step.
  for (const gun of scenario.guns) {
    const v = variables.get(gun.name as WeldGunName)!;
    v.CapLifeWelds.on('value_changed', (dv) => { gun.capLifeWelds = Math.max(1, Number(dv.value.value)); });
    v.Enabled.on('value_changed', (dv) => { gun.enabled = Boolean(dv.value.value); });
  }
  scenario.guns.forEach(publish);

  const step = () => {
    scenario.step();
    scenario.guns.forEach(publish);
  };
  const timer = opts.stepMs ? setInterval(step, opts.stepMs) : undefined;

  await server.start();
  const endpoint = `opc.tcp://${host}:${opts.port}${resourcePath}`;
  let closed = false;
  return {
    port: opts.port,
    endpoint,
    setWeldCount(name, count) {
      const gun = gunState(name);
      gun.weldCount = count >>> 0;
      publish(gun);
    },
    setSheetThickness(name, thicknessMm) {
      const gun = gunState(name);
      gun.sheetThicknessMm = thicknessMm;
      publish(gun);
    },
    step,
    snapshot: () => ({
      guns: scenario.guns.map((g) => ({
        name: g.name as WeldGunName, weldCount: g.weldCount, electrodeCapId: g.electrodeCapId, capLifeWelds: g.capLifeWelds,
        sheetThicknessMm: g.sheetThicknessMm, weldCurrentKa: g.weldCurrentKa, enabled: g.enabled,
      })),
    }),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      // 0: drop sessions now, like a power cut or a crashed server process.
      await server.shutdown(0);
      await serverCertificateManager.dispose();
    },
  };
}

function set(variable: UAVariable, dataType: DataType, value: unknown): void {
  variable.setValueFromSource(new Variant({ dataType, value }), StatusCodes.Good);
}

function addGun(namespace: Namespace, cell: UAObject, gun: WeldGunState): GunVariables {
  const prefix = `WeldCell.${gun.name}`;
  const object = namespace.addObject({ componentOf: cell, browseName: gun.name, nodeId: `s=${prefix}` });
  const common = (member: string) => ({ componentOf: object, browseName: member, nodeId: `s=${prefix}.${member}`, minimumSamplingInterval: 0 });
  const analog = (member: string, engineeringUnits: EUInformation, range: { low: number; high: number }) =>
    namespace.addAnalogDataItem({
      ...common(member), dataType: 'Double', engineeringUnits, engineeringUnitsRange: range,
      accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead',
    });
  return {
    WeldCount: namespace.addVariable({ ...common('WeldCount'), dataType: 'UInt32', accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' }),
    ElectrodeCapId: namespace.addVariable({ ...common('ElectrodeCapId'), dataType: 'String', accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' }),
    SheetThicknessMm: analog('SheetThicknessMm', standardUnits.millimetre, { low: 0.5, high: 4 }),
    WeldCurrentKa: analog('WeldCurrentKa', kiloampere, { low: 0, high: 30 }),
    CapLifeWelds: namespace.addVariable({
      ...common('CapLifeWelds'), dataType: 'UInt32',
      accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite',
    }),
    Enabled: namespace.addVariable({
      ...common('Enabled'), dataType: 'Boolean',
      accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite',
    }),
  };
}
