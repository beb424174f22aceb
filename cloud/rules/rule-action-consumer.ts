/**
 * What a live rule action becomes in the cloud: a `rule.action` edge event whose effect is
 * `requestSparePart` opens a spare-part requisition, a `block` effect sets or releases a location
 * block. Subscribed where edge events are stored (cloud-service.ts), called for every copy of an
 * event: both consumers are idempotent by the event's id, so a replay after a reconnect or a
 * gateway's kill -9 adds nothing, and an event whose first delivery was stored but not consumed
 * (a crash between the two) is consumed on its replay.
 *
 * Shadow firings (`rule.shadow`) and failed actions change nothing here: they were not carried out.
 */
import type { EdgeEvent, RuleActionEventBody } from '../../connectors/edge-link/index.ts';
import type { LocationBlocks } from '../inventory/location-blocks.ts';
import type { SparePartRequisitions } from '../purchasing/spare-part-requisitions.ts';

export interface RuleActionConsumerOptions {
  requisitions: SparePartRequisitions;
  blocks: LocationBlocks;
  logger: { warn(obj: object, msg?: string): void };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The body of a live rule action, or undefined for anything else (checked: a gateway's JSON is not trusted). */
function liveAction(event: EdgeEvent): RuleActionEventBody | undefined {
  if (event.type !== 'rule.action') return undefined;
  const body = event.body as Partial<RuleActionEventBody> | null;
  if (!body || typeof body !== 'object' || !isString(body.rule) || typeof body.version !== 'number') return undefined;
  if (!body.effect || typeof body.effect !== 'object' || !isString(body.effect.kind)) return undefined;
  if (body.outcome !== 'done') return undefined;
  return body as RuleActionEventBody;
}

export class RuleActionConsumer {
  readonly #o: RuleActionConsumerOptions;

  constructor(options: RuleActionConsumerOptions) {
    this.#o = options;
  }

  /** Never throws: a bad body is logged and skipped, the event itself is stored either way. */
  onEvent(group: string, edge: string, event: EdgeEvent): void {
    try {
      this.#consume(group, edge, event);
    } catch (error) {
      this.#o.logger.warn({ err: error, group, edge, id: event.id }, 'could not act on a rule action event; it stays stored and is consumed again if the gateway sends it again');
    }
  }

  #consume(group: string, edge: string, event: EdgeEvent): void {
    const body = liveAction(event);
    if (!body) return;
    const { effect } = body;
    const common = { eventId: event.id, group, edge, rule: body.rule, packVersion: body.version };
    if (effect.kind === 'requestSparePart') {
      const quantity = Number(effect.quantity ?? 1);
      if (!isString(effect.item) || !Number.isInteger(quantity) || quantity < 1) {
        this.#o.logger.warn({ group, edge, id: event.id, effect }, 'a requestSparePart effect without an item or a whole quantity; no requisition made');
        return;
      }
      this.#o.requisitions.add({ ...common, item: effect.item, quantity, requestedAt: event.at });
    } else if (effect.kind === 'block') {
      if (!isString(effect.operation) || !isString(effect.location)) {
        this.#o.logger.warn({ group, edge, id: event.id, effect }, 'a block effect without operation or location; no block recorded');
        return;
      }
      this.#o.blocks.apply({ ...common, operation: effect.operation, location: effect.location, released: effect.released === true, at: event.at });
    }
  }
}
