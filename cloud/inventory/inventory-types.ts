/**
 * The inventory core's contract (issue 7): the catalogue, the immutable move ledger, balances,
 * reservations, stock states, FEFO and the drift check. Tables: store/migrations/012-inventory.ts.
 * The HTTP shapes in docs/inventory-api.md are these types as JSON.
 *
 * Quantities are numbers with at most 3 decimals (grams of a kilogram item); balances are kept
 * rounded to 3 decimals so sums never drift by float error. Times are epoch milliseconds; dates
 * (expiry) are YYYY-MM-DD, the last day the lot may be used, compared in UTC days.
 */

export type Compliance = 'none' | 'drug_gsp' | 'cold_chain_food';
export type LocationKind = 'warehouse' | 'zone' | 'shelf' | 'supplier' | 'customer' | 'transit' | 'inspection' | 'scrap' | 'production' | 'adjustment';
/** Locations that hold the plant's own stock on hand ("physical"). */
export const storageKinds: readonly LocationKind[] = ['warehouse', 'zone', 'shelf'];
export const virtualKinds: readonly LocationKind[] = ['supplier', 'customer', 'transit', 'inspection', 'scrap', 'production', 'adjustment'];
/** Stored lot status; `expired` is derived from the expiry date and today. */
export type StoredLotStatus = 'released' | 'quarantined' | 'recalled';
export type LotStatus = StoredLotStatus | 'expired';
export type MoveReason = 'opening' | 'receipt' | 'putaway' | 'transfer' | 'pick' | 'shipment' | 'return' | 'adjustment' | 'count' | 'scrap' | 'inspection' | 'release' | 'production_consume' | 'production_output' | 'reversal';
export type ReservationKind = 'order' | 'outbound' | 'presale';
export type ReservationStatus = 'active' | 'fulfilled' | 'released';

export interface CategoryInput { id: string; name: string; nearExpiryDays?: number; compliance?: Compliance; lockDays?: number | null }
export interface Category extends Required<Omit<CategoryInput, 'lockDays'>> { lockDays: number | null }

export interface ItemInput {
  sku: string; gtin?: string | null; name: string; category: string; unit?: string;
  shelfLifeDays?: number | null;
  temperatureC?: { min: number; max: number } | null;
  humidityPct?: { min: number; max: number } | null;
  lotTracked?: boolean; serialized?: boolean;
}
export interface Item {
  sku: string; gtin: string | null; name: string; category: string; unit: string; shelfLifeDays: number | null;
  temperatureC: { min: number; max: number } | null; humidityPct: { min: number; max: number } | null;
  lotTracked: boolean; serialized: boolean;
}

export interface LocationInput {
  code: string; name?: string | null; kind: LocationKind; parent?: string | null;
  allowNegative?: boolean; frozen?: boolean; temperatureC?: { min: number; max: number } | null;
}
export interface Location {
  code: string; name: string | null; kind: LocationKind; parent: string | null;
  allowNegative: boolean; frozen: boolean; temperatureC: { min: number; max: number } | null;
  /** Codes from the root down to this one, e.g. ['WH1', 'COLD', 'B12']. */
  path: string[];
}

export interface LotInput { sku: string; batch: string; expiry?: string | null; produced?: string | null; supplier?: string | null; status?: StoredLotStatus; statusReason?: string | null }
export interface Lot {
  id: number; sku: string; batch: string; expiry: string | null; produced: string | null; supplier: string | null;
  /** The stored status, or 'expired' once the expiry date has passed (a stored non-released status wins). */
  status: LotStatus; storedStatus: StoredLotStatus; statusReason: string | null;
  /** Whole UTC days from today to expiry (negative once expired); null without expiry. */
  daysLeft: number | null;
}

/** One move to post. `lot` is the batch code of the item's lot (created by a receipt if `expiry` is given and it is new). */
export interface MoveInput {
  sku: string;
  lot?: string | null;
  /** For a receipt of a new lot: its expiry (and optionally produced date). */
  expiry?: string | null;
  serial?: string | null;
  qty: number;
  from: string;
  to: string;
  reason: MoveReason;
  docType?: string | null;
  docId?: string | null;
  /** The reservation this pick/shipment fulfils: its open line at `from` for this lot shrinks by qty. */
  reservationId?: number | null;
  /** When it happened; default now. Back-dating is allowed and recomputes nothing. */
  effectiveAt?: number;
  note?: string | null;
}

export interface Move {
  id: number; postedAt: number; effectiveAt: number; sku: string; lotId: number | null; lot: string | null; serial: string | null;
  qty: number; from: string; to: string; reason: MoveReason; docType: string | null; docId: string | null;
  reservationId: number | null; reverses: number | null; actor: string; note: string | null;
}

export interface PostOptions {
  actor: string;
  /** Idempotency: the same key again returns the moves first posted under it and posts nothing. */
  requestKey?: string;
}

export interface Balance { sku: string; location: string; lotId: number | null; lot: string | null; qty: number; lastMove: number }

export interface MoveQuery { sku?: string; location?: string; lotId?: number; docType?: string; docId?: string; beforeId?: number; limit?: number }

/** The balance the ledger holds against the one its moves add up to; only differences are reported. */
export interface DriftFinding { sku: string; location: string; lotKey: number; stored: number; fromMoves: number }
export interface DriftReport {
  checkedAt: number; moves: number; balances: number; findings: DriftFinding[];
  /** Serials whose stored location is not their latest move's destination. */
  serialFindings: Array<{ sku: string; serial: string; stored: string; fromMoves: string }>;
  /** Reservation lines whose open quantity exceeds the balance they are allocated on. */
  overReserved: Array<{ sku: string; location: string; lotKey: number; reserved: number; balance: number }>;
  /** Reservation lines whose fulfilled quantity is not what their unreversed picks and shipments add up to (capped at the line). */
  fulfilmentFindings: Array<{ reservationId: number; sku: string; location: string; lotKey: number; qty: number; stored: number; fromMoves: number }>;
  durationMs: number;
}

/** The move ledger (sqlite-ledger.ts). Every method that writes runs in one IMMEDIATE transaction. */
export interface InventoryLedger {
  /** Posts all moves or none; checks every invariant inside the transaction; throws InventoryError. */
  post(moves: MoveInput[], options: PostOptions): Move[];
  /**
   * Posts the mirror of a move (to -> from, same lot and qty, reason 'reversal'); refuses to reverse twice.
   * Reversing a pick or shipment gives its quantity back to the reservation line it fulfilled, unless
   * the reservation was released (the reversal's note then says the stock is free).
   */
  reverse(moveId: number, options: PostOptions & { note?: string }): Move;
  move(id: number): Move | undefined;
  moves(query: MoveQuery): Move[];
  balances(filter: { sku?: string; location?: string; lotId?: number; includeZero?: boolean }): Balance[];
  /** Rebuilds every balance, serial location and reservation total from the ledger and compares; `repair` rewrites the stored ones. */
  driftCheck(options?: { repair?: boolean }): DriftReport;
  counts(): { moves: number; balances: number };
}

/** The catalogue (catalog.ts). Upserts by key; a change to a referenced record keeps the ledger valid. */
export interface InventoryCatalog {
  putCategory(input: CategoryInput): Category;
  putItem(input: ItemInput): Item;
  putLocation(input: LocationInput): Location;
  putLot(input: LotInput): Lot;
  setLotStatus(sku: string, batch: string, status: StoredLotStatus, reason: string | null, actor: string): Lot;
  putChannel(input: { id: string; name: string; quotaPct?: number }): { id: string; name: string; quotaPct: number };
  category(id: string): Category | undefined;
  item(sku: string): Item | undefined;
  itemByGtin(gtin: string): Item | undefined;
  location(code: string): Location | undefined;
  lot(sku: string, batch: string): Lot | undefined;
  lotById(id: number): Lot | undefined;
  categories(): Category[];
  items(): Item[];
  locations(): Location[];
  lots(filter?: { sku?: string }): Lot[];
  channels(): Array<{ id: string; name: string; quotaPct: number }>;
}

export interface ReservationInput {
  sku: string;
  kind: ReservationKind;
  qty: number;
  channel?: string | null;
  orderRef?: string | null;
  /** Allocate only from this lot (a customer asked for it); otherwise FEFO across released lots. */
  lot?: string | null;
  /** Allocate only from this location or the locations under it. */
  location?: string | null;
  note?: string | null;
}
export interface ReservationLine { location: string; lotId: number | null; lot: string | null; expiry: string | null; qty: number; fulfilled: number }
export interface Reservation {
  id: number; sku: string; kind: ReservationKind; channel: string | null; orderRef: string | null; qty: number;
  status: ReservationStatus; lines: ReservationLine[]; createdAt: number; updatedAt: number; actor: string; note: string | null;
}

export interface Reservations {
  /** Allocates FEFO inside one IMMEDIATE transaction; refuses (InventoryError) rather than oversell. */
  reserve(input: ReservationInput, options: PostOptions): Reservation;
  release(id: number, options: PostOptions): Reservation;
  get(id: number): Reservation | undefined;
  list(filter: { sku?: string; status?: ReservationStatus; kind?: ReservationKind; channel?: string; limit?: number }): Reservation[];
}

/** The inventory states of one SKU at one location (lots summed); `lots` breaks them down. */
export interface StockState {
  sku: string; location: string; locationKind: LocationKind;
  physical: number; frozen: number; reserved: number; pendingOutbound: number; available: number;
  inTransit: number; inInspection: number;
  lots: Array<{ lotId: number | null; lot: string | null; expiry: string | null; status: LotStatus; daysLeft: number | null; qty: number; reserved: number; pendingOutbound: number; frozen: boolean }>;
}
/** One SKU over all locations, with the channel figures. */
export interface StockSummary {
  sku: string; physical: number; frozen: number; reserved: number; pendingOutbound: number; available: number;
  inTransit: number; inInspection: number;
  presaleLock: number; presaleLockByChannel: Record<string, number>;
  /** Per channel: floor(max(0, available - presaleLock) x quota%) + that channel's own presale lock. */
  sellable: Record<string, number>;
  /** How each figure was computed, in words, for the UI's explanation. */
  explain: Record<string, string>;
}

export interface FefoPick { location: string; lotId: number | null; lot: string | null; expiry: string | null; daysLeft: number | null; qty: number }
export interface ExpiryWarning {
  sku: string; lotId: number; lot: string; expiry: string; daysLeft: number; qty: number; locations: string[];
  level: 'near_expiry' | 'locked' | 'expired'; category: string; compliance: Compliance; message: string;
}

export interface StockStates {
  byLocation(filter: { sku?: string; location?: string; includeVirtual?: boolean }): StockState[];
  summary(sku: string): StockSummary;
  summaries(): StockSummary[];
  /** FEFO: which lots/locations to pick `qty` from (released, not expired, not locked, unreserved part only). */
  fefo(sku: string, qty: number, options?: { location?: string }): { picks: FefoPick[]; shortBy: number };
  expiryWarnings(options?: { withinDays?: number }): ExpiryWarning[];
}
