/**
 * One catalogue of connector error codes. Codes are stable (they travel in TagValue.error and
 * in metrics labels); the message tells an engineer what to do.
 */
export const connectorErrors = {
  LINK_DOWN: 'The device link is down; the gateway keeps reconnecting with backoff. Check the device is powered and reachable.',
  TIMEOUT: 'The device did not answer in time; raise timeoutMs or check the network.',
  DEVICE_EXCEPTION: 'The device refused the request (protocol exception); check the address exists on the device.',
  BAD_ADDRESS: 'The tag address cannot be parsed; fix it in the site config.',
  READ_ONLY: 'The tag cannot be written; only coils and holding registers are writable.',
  UNKNOWN_TAG: 'No tag with that name is configured on this connector.',
  OUT_OF_RANGE: 'The value does not fit the tag\'s data type after scaling.',
  DECODE_FAILED: 'The raw data could not be decoded as the configured type.',
  TRANSPORT_UNAVAILABLE: 'The driver for this transport cannot be loaded; install it (Modbus RTU needs the optional "serialport" package) or use TCP.',
  BAD_NODE_ID: 'The OPC UA NodeId is malformed or unknown to the server; browse the server and fix the nodeId in the site config.',
  BAD_STATUS: 'The OPC UA server reported a Bad status for the value (the status name is in the detail); check the device behind the server.',
  UNCERTAIN_STATUS: 'The OPC UA server reported an Uncertain status for the value (the status name is in the detail); the value may be stale or substituted.',
  NOT_WRITABLE: 'The OPC UA node is not writable for this session (AccessLevel/UserAccessLevel lacks CurrentWrite); write to a writable node or log in as a user who may.',
  TYPE_MISMATCH: 'The value does not fit the OPC UA node\'s DataType; send a value of that type.',
  CERTIFICATE_UNTRUSTED: 'The OPC UA server\'s certificate is not trusted yet; it was put in the PKI store\'s rejected folder: check its thumbprint and trust it.',
  AUTH_FAILED: 'The OPC UA server refused the user identity; check auth.username and auth.password (or whether anonymous access is allowed).',
  SESSION_LOST: 'The OPC UA session or subscription was lost; the connector recreates both by itself.',
} as const;

export type ConnectorErrorCode = keyof typeof connectorErrors;

/** An error that carries a stable code and the object it concerns. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  constructor(code: ConnectorErrorCode, detail: string) {
    super(`${detail}: ${connectorErrors[code]}`);
    this.name = 'ConnectorError';
    this.code = code;
  }
}
