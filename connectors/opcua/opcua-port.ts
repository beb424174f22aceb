/**
 * The narrow slice of an OPC UA client the connector uses (STYLE.md rule 3), and its node-opcua
 * implementation. Fakes implement OpcuaPort; everything else depends on it.
 *
 * One port is one client: connect() opens a secure channel and a session; reconnecting is the
 * caller's job (the connector's LinkSupervisor). node-opcua's own reconnection is switched off
 * (connectionStrategy.maxRetry 0). Checked with a real restart on 2.182.2: its repair did bring
 * back channel, session and subscription (session_restored), but on a fixed 1 s retry delay,
 * invisibly to linkState(), and through version-dependent repair logic. A fresh client, session
 * and subscription per link is one path, the same as the first connect, with the configured
 * jittered backoff.
 *
 * Every method rejects with a ConnectorError (LINK_DOWN, TIMEOUT, CERTIFICATE_UNTRUSTED,
 * AUTH_FAILED, BAD_NODE_ID, NOT_WRITABLE, BAD_STATUS), never with a library error shape.
 */
import {
  AttributeIds, BrowseDirection, ClientSubscription, DataChangeFilter, DataChangeTrigger, DataType, DeadbandType,
  makeBrowsePath, MessageSecurityMode, NodeClass, OPCUACertificateManager, OPCUAClient, SecurityPolicy,
  TimestampsToReturn, UserTokenType, Variant,
  type ClientSession, type DataValue, type MonitoringParametersOptions, type ReferenceDescription, type UserIdentityInfo,
} from 'node-opcua';
import type { OpcuaAuthConfig, OpcuaSecurityMode, OpcuaSecurityPolicy } from '../../config/opcua-schema.ts';
import { ConnectorError, type ConnectorErrorCode } from '../errors.ts';
// Before node-opcua's own start-up messages: they must not land on stdout.
import './node-opcua-logs.ts';

export interface OpcuaSessionSettings {
  endpoint: string;
  securityMode: OpcuaSecurityMode;
  securityPolicy: OpcuaSecurityPolicy;
  auth: OpcuaAuthConfig;
  /** Connect and per-request timeout. */
  timeoutMs: number;
  /** The client's PKI store: own certificate, trusted/ and rejected/ server certificates. */
  pkiDir: string;
  applicationName?: string;
}

/** One value as the server sent it, decoded from the Variant but not yet into a tag scalar. */
export interface OpcuaDataValue {
  /** Built-in type name of the Variant (OPC 10000-6 5.1.2), e.g. "UInt32", "Double", "Null". */
  dataType: string;
  value: unknown;
  /** The raw 32-bit StatusCode; its top bits are the severity. */
  statusCode: number;
  statusName: string;
  /** Milliseconds since the epoch, when the server has one. */
  sourceTimestamp?: number;
}

export interface OpcuaNodeInfo {
  /** Built-in type a write must use (from the current value, else the DataType attribute). */
  builtInType: string | undefined;
  /** CurrentWrite in both AccessLevel and UserAccessLevel (OPC 10000-3 5.6.2). */
  writable: boolean;
  /** displayName of the EngineeringUnits property (AnalogItemType, OPC 10000-8 5.3.2), if any. */
  engineeringUnit: string | undefined;
}

export interface MonitorRequest {
  nodeId: string;
  samplingIntervalMs: number;
  /** Absolute deadband (DataChangeFilter); undefined or 0 reports every change. */
  deadband?: number;
  /** Changes the server may queue per publish; enough for every change between two publishes. */
  queueSize: number;
}

export interface MonitorResult {
  statusCode: number;
  statusName: string;
}

export type NodeClassName = 'Object' | 'Variable' | 'Method' | 'ObjectType' | 'VariableType' | 'ReferenceType' | 'DataType' | 'View' | 'Unspecified';

export interface BrowseEntry {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: NodeClassName;
  /** For variables: the built-in type name, or the DataType's NodeId for structures and subtypes. */
  dataType?: string;
  hasChildren: boolean;
}

export interface OpcuaPort {
  /** Opens the secure channel and the session; rejects once, without retrying. */
  connect(): Promise<void>;
  /** Reads the Value attribute of each node; a missing node is a value with a Bad status, not a rejection. */
  read(nodeIds: readonly string[]): Promise<OpcuaDataValue[]>;
  /** What a write and unitOf() need to know about a node; rejects BAD_NODE_ID when it does not exist. */
  nodeInfo(nodeId: string): Promise<OpcuaNodeInfo>;
  /** Writes the Value attribute as a Variant of `builtInType`; rejects NOT_WRITABLE, TYPE_MISMATCH, BAD_STATUS. */
  write(nodeId: string, builtInType: string, value: unknown): Promise<void>;
  /**
   * Creates one subscription and a monitored item per request. `onChange(index, value)` gets
   * every notification in the order the server sent them. Resolves with each item's status
   * (a bad NodeId fails its item only).
   */
  subscribe(publishingIntervalMs: number, items: readonly MonitorRequest[], onChange: (index: number, value: OpcuaDataValue) => void): Promise<MonitorResult[]>;
  /** Hierarchical children of a node (HierarchicalReferences, forward, subtypes included). */
  browse(nodeId: string): Promise<BrowseEntry[]>;
  /** Closes the session and the channel; never rejects. connect() may follow. */
  close(): Promise<void>;
  /** close(), and releases the PKI store: the port is not used again. */
  dispose(): Promise<void>;
  /** Called once per connection when it, its session or its subscription dies. */
  onLinkLost(listener: (reason: Error) => void): void;
}

export type OpcuaPortFactory = (settings: OpcuaSessionSettings) => OpcuaPort;

const securityModes: Readonly<Record<OpcuaSecurityMode, MessageSecurityMode>> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};
const securityPolicies: Readonly<Record<OpcuaSecurityPolicy, SecurityPolicy>> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
};

/** Status names that mean the server refused who we are, not where we are. */
const authStatuses = new Set(['BadUserAccessDenied', 'BadIdentityTokenInvalid', 'BadIdentityTokenRejected', 'BadUserSignatureInvalid']);
const certificateStatuses = new Set([
  'BadCertificateUntrusted', 'BadCertificateInvalid', 'BadCertificateTimeInvalid', 'BadCertificateIssuerTimeInvalid',
  'BadSecurityChecksFailed', 'BadCertificateHostNameInvalid', 'BadCertificateUriInvalid', 'BadCertificateRevoked',
]);

const accessLevelCurrentWrite = 0x02;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Turns whatever node-opcua threw into a catalogue error. */
export function toConnectorError(err: unknown, what: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const message = messageOf(err).split('\n')[0]!;
  const status = /\b(Bad[A-Za-z]+)\b/.exec(messageOf(err))?.[1];
  let code: ConnectorErrorCode = 'LINK_DOWN';
  if (status && authStatuses.has(status)) code = 'AUTH_FAILED';
  else if (status && certificateStatuses.has(status)) code = 'CERTIFICATE_UNTRUSTED';
  else if (/certificate/i.test(message) && /untrusted|rejected|not trusted|invalid/i.test(message)) code = 'CERTIFICATE_UNTRUSTED';
  else if (status === 'BadTimeout' || /timed? ?out/i.test(message)) code = 'TIMEOUT';
  return new ConnectorError(code, `${what}: ${message}`);
}

function decode(dv: DataValue): OpcuaDataValue {
  const statusCode = dv.statusCode?.value ?? 0;
  return {
    dataType: DataType[dv.value?.dataType ?? DataType.Null] ?? 'Null',
    value: dv.value?.value ?? null,
    statusCode,
    statusName: dv.statusCode?.name ?? 'Good',
    ...(dv.sourceTimestamp ? { sourceTimestamp: dv.sourceTimestamp.getTime() } : {}),
  };
}

/** A DataType NodeId in namespace 0 below 26 is a built-in type (OPC 10000-6 5.1.2). */
function builtInTypeOf(dataTypeNodeId: unknown): string | undefined {
  const id = dataTypeNodeId as { namespace?: number; value?: unknown } | null;
  if (id?.namespace === 0 && typeof id.value === 'number' && id.value > 0 && id.value <= 25) return DataType[id.value];
  return undefined;
}

export class NodeOpcuaPort implements OpcuaPort {
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private certificateManager: OPCUACertificateManager | undefined;
  private connection = 0;
  private open = false;
  private readonly listeners: Array<(reason: Error) => void> = [];

  constructor(private readonly settings: OpcuaSessionSettings) {}

  onLinkLost(listener: (reason: Error) => void): void {
    this.listeners.push(listener);
  }

  async connect(): Promise<void> {
    await this.close();
    const connection = ++this.connection;
    const s = this.settings;
    // Never the home folder: the gateway's PKI lives in its data dir, and unknown server
    // certificates wait in rejected/ until an engineer trusts them. Opened afresh on every
    // attempt (file watching is off), so a certificate trusted meanwhile is seen.
    await this.certificateManager?.dispose().catch(() => undefined);
    this.certificateManager = undefined;
    {
      const manager = new OPCUACertificateManager({ rootFolder: s.pkiDir, automaticallyAcceptUnknownCertificate: false, disableFileWatchers: true });
      try {
        await manager.initialize();
      } catch (err) {
        throw new ConnectorError('LINK_DOWN', `cannot open the OPC UA PKI store ${s.pkiDir}: ${messageOf(err)}`);
      }
      this.certificateManager = manager;
    }
    const client = OPCUAClient.create({
      applicationName: s.applicationName ?? 'edgestock-gateway',
      clientCertificateManager: this.certificateManager,
      securityMode: securityModes[s.securityMode],
      securityPolicy: securityPolicies[s.securityPolicy],
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      transportTimeout: s.timeoutMs,
      defaultTransactionTimeout: s.timeoutMs,
      requestedSessionTimeout: Math.max(60_000, 4 * s.timeoutMs),
      // Without a subscription nothing else would notice a half-open TCP connection.
      keepSessionAlive: true,
      keepAliveInterval: Math.max(1000, s.timeoutMs),
    });
    this.client = client;
    const lost = (reason: Error) => this.lost(connection, reason);
    // connection_lost and close come when the socket dies (maxRetry 0: no hidden reconnection).
    client.on('connection_lost', () => lost(new Error('the connection to the OPC UA server was lost')));
    client.on('close', (err?: Error | null) => lost(err ?? new Error('the connection to the OPC UA server closed')));
    client.on('backoff', () => { /* listened so node-opcua does not log each retry */ });
    try {
      await withTimeout(client.connect(s.endpoint), s.timeoutMs, `connect to ${s.endpoint}`);
      if (connection !== this.connection) throw new ConnectorError('LINK_DOWN', `connection to ${s.endpoint} was closed while opening`);
      const session = await withTimeout(client.createSession(identityOf(s.auth)), s.timeoutMs, `create a session on ${s.endpoint}`);
      this.session = session;
      session.on('session_closed', () => lost(new ConnectorError('SESSION_LOST', `the session on ${s.endpoint} was closed`)));
      session.on('keepalive_failure', () => lost(new ConnectorError('SESSION_LOST', `the session on ${s.endpoint} stopped answering keep-alives`)));
      if (connection !== this.connection) throw new ConnectorError('LINK_DOWN', `connection to ${s.endpoint} was closed while opening`);
    } catch (err) {
      const error = toConnectorError(err, `cannot connect to ${s.endpoint}`);
      await this.close();
      throw error;
    }
    this.open = true;
  }

  async read(nodeIds: readonly string[]): Promise<OpcuaDataValue[]> {
    const session = this.requireSession(`read ${nodeIds.length} nodes`);
    try {
      const values = await session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })));
      return values.map(decode);
    } catch (err) {
      throw this.requestFailed(err, `read ${nodeIds.length} nodes`);
    }
  }

  async nodeInfo(nodeId: string): Promise<OpcuaNodeInfo> {
    const session = this.requireSession(`inspect ${nodeId}`);
    try {
      const [value, dataType, accessLevel, userAccessLevel] = await session.read([
        { nodeId, attributeId: AttributeIds.Value },
        { nodeId, attributeId: AttributeIds.DataType },
        { nodeId, attributeId: AttributeIds.AccessLevel },
        { nodeId, attributeId: AttributeIds.UserAccessLevel },
      ]);
      if (dataType!.statusCode.name.startsWith('BadNodeId')) {
        throw new ConnectorError('BAD_NODE_ID', `node ${nodeId} (${dataType!.statusCode.name})`);
      }
      if (!dataType!.statusCode.isGood()) {
        throw new ConnectorError('BAD_NODE_ID', `node ${nodeId} is not a variable (DataType: ${dataType!.statusCode.name})`);
      }
      const fromValue = value!.value?.dataType ? DataType[value!.value.dataType] : undefined;
      const level = (dv: DataValue) => (dv.statusCode.isGood() ? Number(dv.value.value) : 0);
      const [units] = await session.translateBrowsePath([makeBrowsePath(nodeId, '.EngineeringUnits')]);
      let engineeringUnit: string | undefined;
      const unitsNode = units?.statusCode.isGood() ? units.targets?.[0]?.targetId : undefined;
      if (unitsNode) {
        const eu = await session.read({ nodeId: unitsNode, attributeId: AttributeIds.Value });
        const text = (eu.value?.value as { displayName?: { text?: string | null } } | null)?.displayName?.text;
        if (text) engineeringUnit = text;
      }
      return {
        builtInType: fromValue && fromValue !== 'Null' ? fromValue : builtInTypeOf(dataType!.value.value),
        writable: (level(accessLevel!) & level(userAccessLevel!) & accessLevelCurrentWrite) !== 0,
        engineeringUnit,
      };
    } catch (err) {
      throw this.requestFailed(err, `inspect ${nodeId}`);
    }
  }

  async write(nodeId: string, builtInType: string, value: unknown): Promise<void> {
    const session = this.requireSession(`write ${nodeId}`);
    const dataType = DataType[builtInType as keyof typeof DataType];
    if (typeof dataType !== 'number') throw new ConnectorError('TYPE_MISMATCH', `write ${nodeId}: unknown built-in type ${builtInType}`);
    let status;
    try {
      status = await session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: new Variant({ dataType, value }) } });
    } catch (err) {
      throw this.requestFailed(err, `write ${nodeId}`);
    }
    if (status.isGood()) return;
    const codes: Record<string, ConnectorErrorCode> = {
      BadNotWritable: 'NOT_WRITABLE', BadUserAccessDenied: 'NOT_WRITABLE', BadWriteNotSupported: 'NOT_WRITABLE',
      BadTypeMismatch: 'TYPE_MISMATCH', BadOutOfRange: 'OUT_OF_RANGE', BadNodeIdUnknown: 'BAD_NODE_ID',
    };
    throw new ConnectorError(codes[status.name] ?? 'BAD_STATUS', `write ${nodeId}: the server answered ${status.name}`);
  }

  async subscribe(publishingIntervalMs: number, items: readonly MonitorRequest[], onChange: (index: number, value: OpcuaDataValue) => void): Promise<MonitorResult[]> {
    const session = this.requireSession('create a subscription');
    const connection = this.connection;
    const lost = (reason: Error) => this.lost(connection, reason);
    try {
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: publishingIntervalMs,
        // Keep-alives at least every ~10 s, lifetime 3 keep-alives (OPC 10000-4 5.13.1).
        requestedMaxKeepAliveCount: Math.max(3, Math.ceil(10_000 / publishingIntervalMs)),
        requestedLifetimeCount: 3 * Math.max(3, Math.ceil(10_000 / publishingIntervalMs)),
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      this.subscription = subscription;
      subscription.on('terminated', () => lost(new ConnectorError('SESSION_LOST', 'the subscription was terminated')));
      subscription.on('internal_error', (err: Error) => lost(new ConnectorError('SESSION_LOST', `the subscription failed: ${err.message}`)));
      subscription.on('error', (err: Error) => lost(new ConnectorError('SESSION_LOST', `the subscription failed: ${err.message}`)));
      // Items with the same sampling interval and deadband share one CreateMonitoredItems request.
      const byParameters = new Map<string, number[]>();
      items.forEach((item, index) => {
        const key = `${item.samplingIntervalMs}/${item.deadband ?? 0}/${item.queueSize}`;
        byParameters.set(key, [...(byParameters.get(key) ?? []), index]);
      });
      const results: MonitorResult[] = new Array(items.length);
      for (const indexes of byParameters.values()) {
        const first = items[indexes[0]!]!;
        const parameters: MonitoringParametersOptions = {
          samplingInterval: first.samplingIntervalMs,
          queueSize: first.queueSize,
          discardOldest: true,
          ...(first.deadband ? {
            filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: first.deadband }),
          } : {}),
        };
        const group = await subscription.monitorItems(
          indexes.map((i) => ({ nodeId: items[i]!.nodeId, attributeId: AttributeIds.Value })),
          parameters,
          TimestampsToReturn.Both,
        );
        group.on('changed', (_item, dataValue, position) => {
          if (connection === this.connection) onChange(indexes[position]!, decode(dataValue));
        });
        group.on('err', () => { /* per-item status is returned below */ });
        group.monitoredItems.forEach((item, position) => {
          results[indexes[position]!] = { statusCode: item.statusCode.value, statusName: item.statusCode.name };
        });
      }
      return results;
    } catch (err) {
      throw this.requestFailed(err, 'create the subscription');
    }
  }

  async browse(nodeId: string): Promise<BrowseEntry[]> {
    const session = this.requireSession(`browse ${nodeId}`);
    try {
      const references = await this.browseAll(session, nodeId);
      const variables = references.filter((r) => r.nodeClass === NodeClass.Variable);
      const dataTypes = variables.length === 0 ? [] : await session.read(variables.map((r) => ({ nodeId: r.nodeId, attributeId: AttributeIds.DataType })));
      const dataTypeOf = new Map(variables.map((r, i) => {
        const dv = dataTypes[i]!;
        const id = dv.statusCode.isGood() ? dv.value.value : undefined;
        return [r.nodeId.toString(), builtInTypeOf(id) ?? id?.toString()] as const;
      }));
      const children = references.length === 0 ? [] : await session.browse(references.map((r) => ({
        nodeId: r.nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences',
        includeSubtypes: true, nodeClassMask: 0, resultMask: 0,
      })));
      return references.map((r, i) => {
        const dataType = dataTypeOf.get(r.nodeId.toString());
        return {
          nodeId: r.nodeId.toString(),
          browseName: r.browseName.toString(),
          displayName: r.displayName.text ?? r.browseName.name ?? '',
          nodeClass: (NodeClass[r.nodeClass] ?? 'Unspecified') as NodeClassName,
          ...(dataType ? { dataType } : {}),
          hasChildren: (children[i]?.references?.length ?? 0) > 0,
        };
      });
    } catch (err) {
      throw this.requestFailed(err, `browse ${nodeId}`);
    }
  }

  async close(): Promise<void> {
    const { client, session, subscription } = this;
    this.client = undefined;
    this.session = undefined;
    this.subscription = undefined;
    this.open = false;
    this.connection++;
    // A dead server answers nothing: bound every goodbye so close() cannot hang.
    const quickly = (p: Promise<unknown> | undefined) => (p ? withTimeout(p, 1000, 'close').catch(() => undefined) : undefined);
    if (subscription) await quickly(subscription.terminate());
    if (session) await quickly(session.close(true));
    if (client) await quickly(client.disconnect());
  }

  /** Releases the PKI store too; call when the port will not be used again. */
  async dispose(): Promise<void> {
    await this.close();
    await this.certificateManager?.dispose().catch(() => undefined);
    this.certificateManager = undefined;
  }

  private requireSession(what: string): ClientSession {
    if (!this.open || !this.session) throw new ConnectorError('LINK_DOWN', `${what}: no OPC UA session`);
    return this.session;
  }

  private requestFailed(err: unknown, what: string): ConnectorError {
    const error = toConnectorError(err, what);
    if (error.code === 'LINK_DOWN' || error.code === 'TIMEOUT') this.lost(this.connection, error);
    return error;
  }

  private async browseAll(session: ClientSession, nodeId: string): Promise<ReferenceDescription[]> {
    let result = await session.browse({
      nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true, nodeClassMask: 0, resultMask: 0x3f,
    });
    if (result.statusCode.name.startsWith('BadNodeId')) throw new ConnectorError('BAD_NODE_ID', `browse ${nodeId} (${result.statusCode.name})`);
    if (!result.statusCode.isGood()) throw new ConnectorError('BAD_STATUS', `browse ${nodeId}: the server answered ${result.statusCode.name}`);
    const references = [...(result.references ?? [])];
    while (result.continuationPoint && result.continuationPoint.length > 0) {
      result = await session.browseNext(result.continuationPoint, false);
      references.push(...(result.references ?? []));
    }
    return references;
  }

  private lost(connection: number, reason: Error): void {
    if (connection !== this.connection || !this.open) return;
    this.open = false;
    for (const listener of this.listeners) listener(reason);
  }
}

function identityOf(auth: OpcuaAuthConfig): UserIdentityInfo {
  return auth.type === 'username'
    ? { type: UserTokenType.UserName, userName: auth.username, password: auth.password }
    : { type: UserTokenType.Anonymous };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectorError('TIMEOUT', `${what} took longer than ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout must not go unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The production port factory. */
export const createNodeOpcuaPort: OpcuaPortFactory = (settings) => new NodeOpcuaPort(settings);

