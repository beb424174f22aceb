/**
 * node-opcua prints its own warnings and errors with console.log: onto stdout, between the
 * JSON log lines and into machine-readable output (`edgestock config schema site`). This routes
 * them to a logger instead, process-wide (node-opcua has one logger per process); until a
 * caller hands one over they go to stderr.
 */
import { format } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua';
import type { ConnectorLogger } from '../connector-logger.ts';

/** What node-opcua-debug passes first: where in node-opcua the message comes from. */
interface LogContext { filename?: string; callerline?: number }

/**
 * Messages node-opcua calls warnings that are not. W27 is its start-up self-test of RSA PKCS#1
 * v1.5 decryption, which Node 20.11.1 and later refuse (CVE-2023-46809): only the deprecated
 * Basic128Rsa15 and Basic256 policies use it, and the connector offers neither
 * (config/opcua-schema.ts opcuaSecurityPolicies). The first connect creating the client's own
 * certificate is news, not a problem. An untrusted server certificate is dumped in base64 on
 * every retry; its thumbprint follows in the W25 lines, and `edgestock certs list` shows it.
 */
const levelOverrides: ReadonlyArray<readonly [RegExp, 'debug' | 'info']> = [
  [/\[NODE-OPCUA-W27\]|--security-revert=CVE-2023-46809/, 'debug'],
  [/^Creating default certificate/, 'info'],
  [/^serverCertificate = /, 'debug'],
];

const stderrLogger: ConnectorLogger = {
  debug() {},
  info() {},
  warn: (obj, msg) => process.stderr.write(`node-opcua warning (${(obj as { at?: string }).at ?? '?'}): ${msg ?? ''}\n`),
  error: (obj, msg) => process.stderr.write(`node-opcua error (${(obj as { at?: string }).at ?? '?'}): ${msg ?? ''}\n`),
};

export function routeNodeOpcuaLogs(logger: ConnectorLogger = stderrLogger): void {
  const entry = (level: 'warn' | 'error') => (context: unknown, ...args: unknown[]) => {
    const { filename, callerline } = (context ?? {}) as LogContext;
    const message = format(...args);
    const fields = { source: 'node-opcua', at: `${filename ?? '?'}:${callerline ?? '?'}` };
    const override = levelOverrides.find(([pattern]) => pattern.test(message))?.[1];
    logger[override ?? level](fields, message);
  };
  setWarningLogger(entry('warn'));
  setErrorLogger(entry('error'));
}

routeNodeOpcuaLogs();
