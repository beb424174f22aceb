/**
 * What one gateway may publish and subscribe to, as a table of MQTT topic filters with {group}
 * and {edge} placeholders. Pure: the embedded broker's hooks, the mosquitto acl_file generator and
 * docs/broker-acl.md all read this one table.
 *
 * A gateway speaks only for its own Sparkplug edge node: it publishes its births, deaths and data
 * [Sparkplug 3.0 tck-id-topic-structure] and its edge events; it hears its own commands, every
 * host application's STATE, and its own edge events. Nothing of another gateway in either
 * direction. STATE is read-only for a gateway: only a host application says whether it is online,
 * so a gateway can neither publish it nor register it as its Will.
 */

/** The Sparkplug group and edge node id a gateway's credential belongs to. */
export interface GatewayIdentity {
  group: string;
  edge: string;
}

export type AclAction = 'publish' | 'subscribe';

export interface AclRule {
  action: AclAction;
  /** An MQTT topic filter; {group} and {edge} are replaced by the gateway's own ids. */
  filter: string;
  why: string;
}

export const gatewayAclRules: readonly AclRule[] = [
  { action: 'publish', filter: 'spBv1.0/{group}/NBIRTH/{edge}', why: 'its node birth' },
  { action: 'publish', filter: 'spBv1.0/{group}/NDEATH/{edge}', why: 'its node death (the Will it registers at CONNECT)' },
  { action: 'publish', filter: 'spBv1.0/{group}/NDATA/{edge}', why: 'its node-level metrics' },
  // A Sparkplug device id is exactly one topic level [tck-id-topic-structure-namespace-device-id-...].
  { action: 'publish', filter: 'spBv1.0/{group}/DBIRTH/{edge}/+', why: 'births of its devices' },
  { action: 'publish', filter: 'spBv1.0/{group}/DDEATH/{edge}/+', why: 'deaths of its devices' },
  { action: 'publish', filter: 'spBv1.0/{group}/DDATA/{edge}/+', why: 'data of its devices' },
  { action: 'publish', filter: 'edgestock/v1/{group}/{edge}/#', why: 'its edge events and acknowledgements' },
  { action: 'subscribe', filter: 'spBv1.0/{group}/NCMD/{edge}', why: 'commands to its node (rebirth)' },
  { action: 'subscribe', filter: 'spBv1.0/{group}/DCMD/{edge}/#', why: 'commands to its devices' },
  // An edge node with a primary host waits for that host's STATE to say online before its births
  // [tck-id-message-flow-edge-node-birth-publish-phid-wait]; '+' so one rule serves any
  // ingest.hostId (and a site that names several hosts). Reading another host's STATE tells nothing secret.
  { action: 'subscribe', filter: 'spBv1.0/STATE/+', why: 'host applications\' online/offline STATE (read-only)' },
  { action: 'subscribe', filter: 'edgestock/v1/{group}/{edge}/#', why: 'commands, rule packs and master data for it' },
];

/**
 * What the cloud's Sparkplug host application needs on an external broker (the embedded broker
 * lets its in-process ingest do everything).
 */
export const hostApplicationAclRules: readonly AclRule[] = [
  { action: 'subscribe', filter: 'spBv1.0/#', why: 'every edge node\'s births, deaths and data' },
  { action: 'publish', filter: 'spBv1.0/+/NCMD/+', why: 'rebirth requests' },
  { action: 'publish', filter: 'spBv1.0/+/DCMD/+/+', why: 'device commands' },
  { action: 'publish', filter: 'spBv1.0/STATE/+', why: 'its own online/offline STATE (retained, QoS 1), also as its Will' },
  { action: 'subscribe', filter: 'edgestock/v1/#', why: 'every gateway\'s edge events' },
  { action: 'publish', filter: 'edgestock/v1/#', why: 'commands and rollouts to gateways' },
];

const topicLevel = /^[^/+#\u0000]+$/;

/** The gateway's own filters for one action, placeholders filled in. */
export function gatewayFilters(identity: GatewayIdentity, action: AclAction, rules: readonly AclRule[] = gatewayAclRules): string[] {
  for (const [name, value] of Object.entries(identity)) {
    // Config validation keeps these to single topic levels; a wildcard here would open the ACL.
    if (!topicLevel.test(value)) throw new Error(`Gateway ${name} "${value}" is not a single MQTT topic level: expected no "/", "+" or "#"`);
  }
  return rules.filter((rule) => rule.action === action)
    .map((rule) => rule.filter.replaceAll('{group}', identity.group).replaceAll('{edge}', identity.edge));
}

/**
 * Whether a topic name matches a topic filter [MQTT-4.7.1]: '+' is one level, '#' the rest
 * including the parent ('sport/#' matches 'sport'); wildcards at the first level do not match
 * topics starting with '$' [MQTT-4.7.2-1].
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether every topic the requested filter can match is also matched by the allowed filter. */
export function filterWithin(requested: string, allowed: string): boolean {
  const r = requested.split('/');
  const a = allowed.split('/');
  for (let i = 0; i < r.length; i++) {
    if (a[i] === '#') return true;
    if (i >= a.length) return false;
    if (r[i] === '#') return false; // only an allowed '#' covers every deeper level
    if (r[i] === '+') {
      if (a[i] !== '+') return false;
    } else if (a[i] !== '+' && a[i] !== r[i]) return false;
  }
  // 'a' is within 'a/#' (a '#' also matches its parent level); otherwise the lengths must agree.
  return r.length === a.length || (a.length === r.length + 1 && a[r.length] === '#');
}

export interface GatewayAcl {
  mayPublish(topic: string): boolean;
  maySubscribe(filter: string): boolean;
}

/** One gateway's policy with its filters worked out once (the broker checks every publish). */
export function compileGatewayAcl(identity: GatewayIdentity): GatewayAcl {
  const publish = gatewayFilters(identity, 'publish');
  const subscribe = gatewayFilters(identity, 'subscribe');
  return {
    mayPublish: (topic) => publish.some((filter) => topicMatches(filter, topic)),
    maySubscribe: (filter) => subscribe.some((allowed) => filterWithin(filter, allowed)),
  };
}

/** mosquitto acl_file verbs: a publish is a 'write', a subscription a 'read'. */
const mosquittoVerb: Readonly<Record<AclAction, string>> = { publish: 'write', subscribe: 'read' };

/**
 * The same policy as a mosquitto acl_file (mosquitto.conf `acl_file`): one `user` block per
 * gateway with its topic lines, and one for the host application. docs/broker-acl.md shows the
 * output; mosquitto-acl.test.ts runs that file against a real mosquitto.
 */
export function mosquittoAclFile(gateways: ReadonlyArray<GatewayIdentity & { username: string }>, hostApplicationUser?: string): string {
  const blocks = gateways.map((gateway) => [
    `# gateway ${gateway.group}/${gateway.edge}`,
    `user ${gateway.username}`,
    ...(['publish', 'subscribe'] as const).flatMap((action) => gatewayFilters(gateway, action).map((filter) => `topic ${mosquittoVerb[action]} ${filter}`)),
  ].join('\n'));
  if (hostApplicationUser) {
    blocks.push([
      '# the cloud\'s Sparkplug host application (ingest)',
      `user ${hostApplicationUser}`,
      ...hostApplicationAclRules.map((rule) => `topic ${mosquittoVerb[rule.action]} ${rule.filter}`),
    ].join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
