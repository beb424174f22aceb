// The gateway endpoints of the admin API (cloud/web/routes/gateways.ts), one function each. Every
// call resolves to `{ ok, status, body, message }`: `message` says what went wrong in words a plant
// engineer can act on, naming the API's error code.
import { api, apiOutcome } from './api.js';

/** What the page adds to the API's own message for codes that need a next step. */
const NEXT_STEPS = {
  GATEWAY_TIMEOUT: 'The gateway did not answer in time; check that it is online (the gateway list shows when it was last seen).',
  GATEWAY_REFUSED: 'The gateway refused the command.',
  GATEWAY_UNKNOWN: 'This gateway has not reported to the cloud yet.',
  CONFLICT: 'Someone else pushed a newer version meanwhile: reload to see it, then make your change again.',
  FORBIDDEN: 'Your role does not allow this; ask an admin.',
};


const call = async (method, url, body) => apiOutcome(await api(method, url, body), NEXT_STEPS);

/** `/api/gateways/<group>/<edge>` with both parts escaped for the path. */
export function gatewayUrl(gateway, suffix = '') {
  return `/api/gateways/${encodeURIComponent(gateway.group)}/${encodeURIComponent(gateway.edge)}${suffix}`;
}

export const listGateways = () => call('GET', '/api/gateways');
export const connectorSchema = () => call('GET', '/api/schema/connector');
export const readConfig = (gateway) => call('GET', gatewayUrl(gateway, '/config'));
export const pushConfig = (gateway, baseVersion, connectors, comment) =>
  call('PUT', gatewayUrl(gateway, '/config'), comment ? { baseVersion, connectors, comment } : { baseVersion, connectors });
export const listVersions = (gateway) => call('GET', gatewayUrl(gateway, '/config/versions'));
export const rollBack = (gateway, toVersion) => call('POST', gatewayUrl(gateway, '/config/rollback'), { toVersion });
export const testRead = (gateway, connector, tag) => call('POST', gatewayUrl(gateway, '/test-read'), { connector, tag });
export const browse = (gateway, connector, nodeId) =>
  call('POST', gatewayUrl(gateway, '/browse'), nodeId === undefined ? { connector } : { connector, nodeId });
export const listCertificates = (gateway) => call('GET', gatewayUrl(gateway, '/certificates'));
export const trustCertificate = (gateway, thumbprint) =>
  call('POST', gatewayUrl(gateway, `/certificates/${encodeURIComponent(thumbprint)}/trust`));
export const writeTag = (gateway, device, tag, value) => call('POST', gatewayUrl(gateway, '/tags/write'), { device, tag, value });
export const importTiaDb = (source, dbNumber) =>
  call('POST', '/api/tia-import', dbNumber === undefined ? { source } : { source, dbNumber });
export const latestOf = (gateway) =>
  call('GET', `/api/telemetry/latest?group=${encodeURIComponent(gateway.group)}&edge=${encodeURIComponent(gateway.edge)}`);
