/**
 * OPC UA NodeId strings as written in site config (OPC 10000-6 5.3.1.10, the XML/string form):
 * `ns=<index>;i=<uint32>`, `ns=<index>;s=<string>`, `ns=<index>;g=<guid>`, `ns=<index>;b=<base64>`.
 * `ns=0;` may be left out. A few well-known folder names (`RootFolder`, `ObjectsFolder`, ...)
 * are accepted too, for browsing.
 */

export type NodeIdType = 'numeric' | 'string' | 'guid' | 'opaque';

export interface OpcuaNodeId {
  namespace: number;
  type: NodeIdType;
  /** The identifier as written: digits for numeric, the GUID lower-cased, base64 for opaque. */
  identifier: string;
}

export type ParsedNodeId = { ok: true; nodeId: OpcuaNodeId } | { ok: false; error: string };

const typePrefixes: Readonly<Record<string, NodeIdType>> = { i: 'numeric', s: 'string', g: 'guid', b: 'opaque' };
const prefixOf: Readonly<Record<NodeIdType, string>> = { numeric: 'i', string: 's', guid: 'g', opaque: 'b' };

/** Namespace 0 folders a browser starts from (OPC 10000-5 8.2). */
export const wellKnownNodeIds: Readonly<Record<string, OpcuaNodeId>> = {
  RootFolder: { namespace: 0, type: 'numeric', identifier: '84' },
  ObjectsFolder: { namespace: 0, type: 'numeric', identifier: '85' },
  TypesFolder: { namespace: 0, type: 'numeric', identifier: '86' },
  ViewsFolder: { namespace: 0, type: 'numeric', identifier: '87' },
  Server: { namespace: 0, type: 'numeric', identifier: '2253' },
};

const expected = 'expected "ns=<index>;s=<name>" or "ns=<index>;i=<number>" (also g=<guid>, b=<base64>)';
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const maxUInt16 = 0xffff;
const maxUInt32 = 0xffffffff;
/** OPC 10000-3 8.2.4: a String identifier is at most 4096 characters. */
const maxStringIdentifier = 4096;

const shown = (text: string) => (text.length > 80 ? `${text.slice(0, 60)}…` : text);
const fail = (text: string, why: string): ParsedNodeId => ({ ok: false, error: `"${shown(text)}" is not an OPC UA NodeId: ${why}; ${expected}` });

export function parseNodeId(text: string): ParsedNodeId {
  const known = wellKnownNodeIds[text];
  if (known) return { ok: true, nodeId: { ...known } };
  let rest = text;
  let namespace = 0;
  const ns = /^ns=([^;]*);/.exec(rest);
  if (ns) {
    if (!/^\d+$/.test(ns[1]!) || Number(ns[1]) > maxUInt16) return fail(text, `namespace index "${ns[1]}" must be a whole number 0..65535`);
    namespace = Number(ns[1]);
    rest = rest.slice(ns[0].length);
  } else if (rest.startsWith('nsu=')) {
    return fail(text, 'namespace URIs (nsu=) are not supported; use the namespace index');
  }
  const typed = /^([a-z])=/.exec(rest);
  if (!typed) {
    return { ok: false, error: `"${shown(text)}" is not an OPC UA NodeId; ${expected}` };
  }
  const type = typePrefixes[typed[1]!];
  if (!type) return fail(text, `unknown identifier type "${typed[1]}="`);
  const identifier = rest.slice(2);
  if (identifier === '') return fail(text, 'the identifier is empty');
  switch (type) {
    case 'numeric':
      if (!/^\d+$/.test(identifier) || Number(identifier) > maxUInt32) return fail(text, `numeric identifier "${identifier}" must be a whole number 0..4294967295`);
      return { ok: true, nodeId: { namespace, type, identifier: String(Number(identifier)) } };
    case 'string':
      if (identifier.length > maxStringIdentifier) return fail(text, `string identifier is ${identifier.length} characters, at most ${maxStringIdentifier} allowed`);
      return { ok: true, nodeId: { namespace, type, identifier } };
    case 'guid':
      if (!guidPattern.test(identifier)) return fail(text, `"${identifier}" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
      return { ok: true, nodeId: { namespace, type, identifier: identifier.toLowerCase() } };
    case 'opaque':
      if (!base64Pattern.test(identifier)) return fail(text, `"${identifier}" is not base64`);
      return { ok: true, nodeId: { namespace, type, identifier } };
  }
}

/** The canonical string form, e.g. "ns=1;s=WeldCell.G1.WeldCount" or "i=85" in namespace 0. */
export function formatNodeId(nodeId: OpcuaNodeId): string {
  const id = `${prefixOf[nodeId.type]}=${nodeId.identifier}`;
  return nodeId.namespace === 0 ? id : `ns=${nodeId.namespace};${id}`;
}

/** For config checks: the problem with a NodeId string, or undefined when it parses. */
export function checkNodeId(text: string): string | undefined {
  const parsed = parseNodeId(text);
  return parsed.ok ? undefined : parsed.error;
}
