/**
 * Carrying out what a live rule asks for (rules/compiled-rule.ts RuleEffect), one table entry per
 * effect kind (STYLE.md rule 7). A block goes to the local block list the scanner consults; a tag
 * write goes to the device through its connector, as a tag.write command would; the rest (alerts,
 * spare-part requests, reservations, approvals, recommendations) are carried out by the cloud from
 * the `rule.action` event itself, so here they are done once the event is committed.
 */
import { createHash } from 'node:crypto';
import type { RuleEffect } from '../../rules/compiled-rule.ts';
import type { LocationBlockStore } from './location-blocks.ts';

export interface EffectContext {
  pack: string;
  rule: string;
  nowMs: number;
  blocks: LocationBlockStore;
  /** The connector's write (numbers and booleans, as tag.write). */
  writeTag(device: string, tag: string, value: number | boolean): Promise<void>;
}

export type EffectOutcome = { outcome: 'done' } | { outcome: 'failed'; error: string };

type Performer<K extends RuleEffect['kind']> = (effect: Extract<RuleEffect, { kind: K }>, context: EffectContext) => Promise<void> | void;

const reportedByEvent = () => {};

const performers: { [K in RuleEffect['kind']]: Performer<K> } = {
  block: (effect, context) => {
    if (effect.released) context.blocks.release(effect.operation, effect.location, context.rule);
    else context.blocks.block({ operation: effect.operation, location: effect.location, pack: context.pack, rule: context.rule, since: context.nowMs });
  },
  writeTag: async (effect, context) => {
    if (typeof effect.value === 'string') {
      throw new Error(`cannot write the text "${effect.value}" to ${effect.device}/${effect.tag}: connectors write numbers and booleans; make the glossary term a number or boolean`);
    }
    await context.writeTag(effect.device, effect.tag, effect.value);
  },
  alert: reportedByEvent,
  requestSparePart: reportedByEvent,
  reserve: reportedByEvent,
  startApproval: reportedByEvent,
  recommend: reportedByEvent,
};

/** Carries out one effect; never throws: a failure is an outcome with the reason. */
export async function carryOut(effect: RuleEffect, context: EffectContext): Promise<EffectOutcome> {
  const perform = performers[effect.kind] as Performer<RuleEffect['kind']> | undefined;
  if (!perform) return { outcome: 'failed', error: `unknown effect kind "${effect.kind}"; this gateway carries out ${Object.keys(performers).join(', ')}` };
  try {
    await perform(effect, context);
    return { outcome: 'done' };
  } catch (error) {
    return { outcome: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

const EVENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The id of the event for effect `index` of a rule's effect run `run`: the same cause always
 * gives the same id (docs/edge-events.md, producer-chosen ids), e.g.
 * `rule-demo-plant-v3-cold-chain-b12-r7-0`; shadow events start `shadow-`. Ids that would be too
 * long or hold characters an event id cannot carry are hashed.
 */
export function ruleEventId(mode: 'active' | 'shadow', pack: string, version: number, rule: string, run: number, index: number): string {
  const prefix = mode === 'active' ? 'rule' : 'shadow';
  const id = `${prefix}-${pack}-v${version}-${rule}-r${run}-${index}`;
  if (EVENT_ID.test(id)) return id;
  return `${prefix}-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}
