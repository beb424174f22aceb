/**
 * The inventory states as arithmetic over judged balance rows (stock-rows.ts), with no I/O:
 * per SKU x location (physical, frozen, reserved, pending outbound, available, in transit, in
 * inspection) and per SKU with the channel figures (presale lock, sellable) and, for the UI,
 * each figure's computation in words with its numbers. The formulas are the contract's
 * (inventory-types.ts StockState, StockSummary).
 */
import type { LocationKind, StockState, StockSummary } from './inventory-types.ts';
import type { LocationTree } from './location-tree.ts';
import { formatQty, roundQty } from './quantities.ts';
import type { StockRow } from './stock-rows.ts';

/** Virtual locations whose stock is still the plant's, shown in their own bucket. */
const bucketOfKind: Partial<Record<LocationKind, 'inTransit' | 'inInspection'>> = { transit: 'inTransit', inspection: 'inInspection' };

export interface Channel { id: string; name: string; quotaPct: number }

/** One StockState per SKU x location: storage locations, plus transit and inspection with `includeVirtual`. */
export function stockStatesOf(rows: StockRow[], tree: LocationTree, includeVirtual: boolean): StockState[] {
  const states = new Map<string, StockState>();
  for (const row of rows) {
    const location = tree.get(row.location);
    if (!location) continue;
    const storage = tree.isStorage(row.location);
    const bucket = bucketOfKind[location.kind];
    if (!storage && !(includeVirtual && bucket)) continue;
    const id = `${row.sku}\u0000${row.location}`;
    let state = states.get(id);
    if (!state) {
      state = {
        sku: row.sku, location: row.location, locationKind: location.kind, physical: 0, frozen: 0, reserved: 0, pendingOutbound: 0, available: 0,
        inTransit: 0, inInspection: 0, lots: [],
      };
      states.set(id, state);
    }
    if (storage) {
      state.physical = roundQty(state.physical + row.qty);
      if (row.frozenReason !== null) state.frozen = roundQty(state.frozen + row.qty);
      state.reserved = roundQty(state.reserved + row.orderOpen);
      state.pendingOutbound = roundQty(state.pendingOutbound + row.outboundOpen);
    } else {
      state[bucket!] = roundQty(state[bucket!] + row.qty);
    }
    state.lots.push({
      lotId: row.lotId, lot: row.batch, expiry: row.expiry, status: row.status, daysLeft: row.daysLeft, qty: row.qty,
      reserved: row.orderOpen, pendingOutbound: row.outboundOpen, frozen: row.frozenReason !== null,
    });
  }
  for (const state of states.values()) state.available = availableOf(state);
  return [...states.values()];
}

const availableOf = (s: { physical: number; frozen: number; reserved: number; pendingOutbound: number }): number =>
  Math.max(0, roundQty(s.physical - s.frozen - s.reserved - s.pendingOutbound));

const q = formatQty;

/** "B10 120 + B11 50", at most `max` terms then "+ 3 more". */
function terms(parts: Array<[string, number]>, max = 6): string {
  const shown = parts.slice(0, max).map(([label, qty]) => `${label} ${q(qty)}`);
  if (parts.length > max) shown.push(`${parts.length - max} more`);
  return shown.join(' + ');
}

/** The SKU's figures over every location (from its storage, transit and inspection states). */
export function summaryOf(sku: string, states: StockState[], presaleByChannel: Record<string, number>, channels: Channel[], rows: StockRow[]): StockSummary {
  const total = (pick: (s: StockState) => number) => roundQty(states.reduce((sum, s) => sum + pick(s), 0));
  const physical = total((s) => s.physical);
  const frozen = total((s) => s.frozen);
  const reserved = total((s) => s.reserved);
  const pendingOutbound = total((s) => s.pendingOutbound);
  const inTransit = total((s) => s.inTransit);
  const inInspection = total((s) => s.inInspection);
  // At SKU level, as the contract states it, so the explanation adds up.
  const available = availableOf({ physical, frozen, reserved, pendingOutbound });
  const presaleLock = roundQty(Object.values(presaleByChannel).reduce((sum, qty) => sum + qty, 0));
  const unlocked = Math.max(0, roundQty(available - presaleLock));

  const sellable: Record<string, number> = {};
  const explain: Record<string, string> = {};
  const storage = states.filter((s) => s.physical !== 0);
  explain.physical = storage.length === 0
    ? 'physical 0 = nothing on hand at storage locations'
    : `physical ${q(physical)} = on hand at ${terms(storage.map((s) => [s.location, s.physical]))}`;
  const frozenParts = new Map<string, number>();
  for (const row of rows) {
    if (row.frozenReason === null || !states.some((s) => s.location === row.location && s.physical !== 0)) continue;
    const label = row.frozenReason === 'frozen_location' ? `on frozen ${row.location}` : `lot ${row.batch} ${row.frozenReason}${row.frozenReason === 'locked' ? ' (GSP)' : ''}`;
    frozenParts.set(label, roundQty((frozenParts.get(label) ?? 0) + row.qty));
  }
  explain.frozen = frozenParts.size === 0 ? 'frozen 0 = no expired, quarantined, recalled or locked stock, none on a frozen location'
    : `frozen ${q(frozen)} = ${terms([...frozenParts])}`;
  explain.reserved = `reserved ${q(reserved)} = open lines of active order reservations`;
  explain.pendingOutbound = `pending ${q(pendingOutbound)} = open lines of active outbound reservations (released to the warehouse)`;
  explain.available = `available ${q(available)} = physical ${q(physical)} - frozen ${q(frozen)} - reserved ${q(reserved)} - pending ${q(pendingOutbound)}`
    + (available === 0 && physical - frozen - reserved - pendingOutbound < 0 ? ' (not below 0)' : '');
  explain.inTransit = `in transit ${q(inTransit)} = at transit locations`;
  explain.inInspection = `in inspection ${q(inInspection)} = at inspection locations`;
  const locks = Object.entries(presaleByChannel).filter(([, qty]) => qty > 0);
  explain.presaleLock = locks.length === 0 ? 'presale lock 0 = no active presale reservations' : `presale lock ${q(presaleLock)} = ${terms(locks)}`;
  for (const channel of channels) {
    const own = presaleByChannel[channel.id] ?? 0;
    const share = Math.floor(roundQty(unlocked * channel.quotaPct / 100));
    sellable[channel.id] = roundQty(share + own);
    explain[`sellable.${channel.id}`] = `sellable on ${channel.id} ${q(sellable[channel.id]!)} = floor(max(0, available ${q(available)} - presale lock ${q(presaleLock)}) x ${q(channel.quotaPct)}%)`
      + ` + ${channel.id}'s presale lock ${q(own)} = ${q(share)} + ${q(own)}`;
  }
  return {
    sku, physical, frozen, reserved, pendingOutbound, available, inTransit, inInspection,
    presaleLock, presaleLockByChannel: { ...presaleByChannel }, sellable, explain,
  };
}
