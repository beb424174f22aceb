/**
 * What an NCMD asks of the edge node. Only 'Node Control/Rebirth' = true is acted on
 * [tck-id-operational-behavior-data-commands-rebirth-name]; hosts send it by name (NBIRTH gives it
 * no alias). Any other metric is not one this node accepts as a command: it is
 * reported back as `unknown` (by name, or '#<alias>') so the caller can count and log it.
 */
import { decodePayload } from '../../connectors/sparkplug/index.ts';
import { REBIRTH_METRIC } from './metric-catalog.ts';

export type NodeCommand = { rebirth: boolean; unknown: string[] } | { error: Error };

export function readNodeCommand(payload: Uint8Array): NodeCommand {
  try {
    const { metrics } = decodePayload(payload);
    // By name only: the metric has no alias [tck-id-operational-behavior-data-commands-rebirth-name-aliases].
    const isRebirth = (m: (typeof metrics)[number]) => m.name === REBIRTH_METRIC;
    const rebirth = metrics.some((m) => isRebirth(m) && m.value === true);
    const unknown = metrics.filter((m) => !isRebirth(m)).map((m) => m.name ?? `#${m.alias ?? '?'}`);
    return { rebirth, unknown };
  } catch (error) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
