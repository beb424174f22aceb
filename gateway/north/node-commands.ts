/**
 * What an NCMD asks of the edge node. Only 'Node Control/Rebirth' = true is acted on
 * [tck-id-operational-behavior-data-commands-rebirth-name]; hosts send it by name or by the alias
 * announced in NBIRTH.
 */
import { decodePayload } from '../../connectors/sparkplug/index.ts';
import { nodeMetricAliases, REBIRTH_METRIC } from './metric-catalog.ts';

export type NodeCommand = { rebirth: boolean } | { error: Error };

export function readNodeCommand(payload: Uint8Array): NodeCommand {
  try {
    const { metrics } = decodePayload(payload);
    const rebirth = metrics.some((m) => (m.name === REBIRTH_METRIC || m.alias === nodeMetricAliases[REBIRTH_METRIC]) && m.value === true);
    return { rebirth };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
