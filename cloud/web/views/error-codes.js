// What a reading's error code means, for the tooltip on a bad value. A copy of the gateway's
// catalogue (connectors/errors.ts); admin-page.browser.test.ts fails when the two drift apart.

/** @type {Readonly<Record<string, string>>} */
export const ERROR_EXPLANATIONS = Object.freeze({
  LINK_DOWN: 'The device link is down; the gateway keeps reconnecting with backoff. Check the device is powered and reachable.',
  TIMEOUT: 'The device did not answer in time; raise timeoutMs or check the network.',
  DEVICE_EXCEPTION: 'The device refused the request (protocol exception); check the address exists on the device.',
  BAD_ADDRESS: 'The tag address cannot be parsed; fix it in the site config.',
  READ_ONLY: 'The tag cannot be written; only coils and holding registers are writable.',
  UNKNOWN_TAG: 'No tag with that name is configured on this connector.',
  OUT_OF_RANGE: "The value does not fit the tag's data type after scaling.",
  DECODE_FAILED: 'The raw data could not be decoded as the configured type.',
  TRANSPORT_UNAVAILABLE: 'The driver for this transport cannot be loaded; install it (Modbus RTU needs the optional "serialport" package) or use TCP.',
  BAD_NODE_ID: 'The OPC UA NodeId is malformed or unknown to the server; browse the server and fix the nodeId in the site config.',
  BAD_STATUS: 'The OPC UA server reported a Bad status for the value (the status name is in the detail); check the device behind the server.',
  UNCERTAIN_STATUS: 'The OPC UA server reported an Uncertain status for the value (the status name is in the detail); the value may be stale or substituted.',
  NOT_WRITABLE: 'The OPC UA node is not writable for this session (AccessLevel/UserAccessLevel lacks CurrentWrite); write to a writable node or log in as a user who may.',
  TYPE_MISMATCH: "The value does not fit the OPC UA node's DataType; send a value of that type.",
  CERTIFICATE_UNTRUSTED: "The OPC UA server's certificate is not trusted yet; it was put in the PKI store's rejected folder: check its thumbprint and trust it.",
  AUTH_FAILED: 'The OPC UA server refused the user identity; check auth.username and auth.password (or whether anonymous access is allowed).',
  SESSION_LOST: 'The OPC UA session or subscription was lost; the connector recreates both by itself.',
});

/**
 * Tooltip text for a reading's error code: the code and what to do about it, or just the code
 * when it is not one of ours (another Sparkplug sender's); '' without a code.
 * @param {string | null | undefined} code
 */
export function explainError(code) {
  if (!code) return '';
  const explanation = Object.hasOwn(ERROR_EXPLANATIONS, code) ? ERROR_EXPLANATIONS[code] : undefined;
  return explanation ? `${code}: ${explanation}` : code;
}
