/**
 * Keeps the inventory core and the gateway-facing master data in step while the cloud runs
 * (the MasterDataBridge does the work):
 * - a change to categories, items, lots or locations in master data (the admin UI, a seed) is
 *   imported into the inventory catalogue, and a lot quarantined or released there is quarantined
 *   or released in the inventory too, so reservations and shipments follow the gateways' view;
 *   the other way, a lot quarantined, recalled or released through the inventory's API is
 *   quarantined or released in master data, so scanners block it too;
 * - the ledger's stock is projected back to master data `stock` records whenever moves were
 *   posted (checked every `everyMs`), so gateways decide scans on the ledger's stock.
 * Stock records are written here, so changes of kind `stock` are not followed (no loop). Never
 * throws: a failure is logged and tried again on the next change or tick.
 */
import type { Clock } from '../../connectors/clock.ts';
import type { MasterDataChange } from '../../connectors/edge-link/index.ts';
import type { LotRecord } from '../../config/master-data-schema.ts';
import type { MasterDataStore } from '../masterdata/master-data-store.ts';
import type { InventoryCatalog, InventoryLedger, Lot } from './inventory-types.ts';
import type { MasterDataBridge } from './master-data-bridge.ts';

export const PROJECT_EVERY_MS = 2_000;
const CATALOG_KINDS = new Set(['category', 'item', 'lot', 'location']);

export interface MasterDataFollowerDeps {
  bridge: Pick<MasterDataBridge, 'importCatalog' | 'projectStock'>;
  masterData: Pick<MasterDataStore, 'onChange' | 'get' | 'quarantineLot' | 'releaseLot'>;
  catalog: Pick<InventoryCatalog, 'itemByGtin' | 'item' | 'lot' | 'setLotStatus'> & { onLotStatusChanged(listener: (lot: Lot, actor: string) => void): () => void };
  ledger: Pick<InventoryLedger, 'counts'>;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  everyMs?: number;
}

export class MasterDataFollower {
  readonly #d: MasterDataFollowerDeps;
  #unsubscribe: Array<() => void> = [];
  #timer: unknown;
  #projectedAtMoves = -1;
  #stopped = true;

  constructor(deps: MasterDataFollowerDeps) {
    this.#d = deps;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe = [
      this.#d.masterData.onChange((changes) => this.onChanges(changes)),
      this.#d.catalog.onLotStatusChanged((lot, actor) => this.onInventoryLotStatus(lot, actor)),
    ];
    const tick = () => {
      if (this.#stopped) return;
      this.projectIfMoved();
      this.#timer = this.#d.clock.setTimeout(tick, this.#d.everyMs ?? PROJECT_EVERY_MS);
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    if (this.#timer !== undefined) this.#d.clock.clearTimeout(this.#timer);
  }

  /** Imports catalogue changes and follows lot status; returns whether anything was imported. */
  onChanges(changes: readonly MasterDataChange[]): boolean {
    const relevant = changes.filter((c) => CATALOG_KINDS.has(c.kind));
    if (relevant.length === 0) return false;
    try {
      this.#d.bridge.importCatalog();
      for (const change of relevant) {
        if (change.kind !== 'lot' || !change.value) continue;
        const lot = change.value as LotRecord;
        const item = this.#d.catalog.itemByGtin(lot.gtin);
        const current = item && this.#d.catalog.lot(item.sku, lot.batch);
        if (!item || !current || current.storedStatus === 'recalled' || current.storedStatus === lot.status) continue;
        this.#d.catalog.setLotStatus(item.sku, lot.batch, lot.status, lot.reason ?? null, 'master-data');
      }
      return true;
    } catch (err) {
      this.#d.logger.warn({ err }, 'could not follow a master-data change into the inventory');
      return false;
    }
  }

  /**
   * A lot quarantined, recalled or released in the inventory (its API) is quarantined or released
   * in master data too, so gateways block or allow it at the next scan (master data knows no
   * "recalled": a recall is a quarantine whose reason says so). Returns whether master data changed.
   */
  onInventoryLotStatus(lot: Lot, actor: string): boolean {
    try {
      const gtin = this.#d.catalog.item(lot.sku)?.gtin;
      const record = gtin ? this.#d.masterData.get('lot', `${gtin}/${lot.batch}`)?.value : undefined;
      if (!gtin || !record) return false;
      const by = `${actor} (inventory)`;
      if (lot.storedStatus === 'released' && record.status === 'quarantined') {
        this.#d.masterData.releaseLot(gtin, lot.batch, { by });
        return true;
      }
      if (lot.storedStatus !== 'released' && record.status === 'released') {
        const reason = lot.storedStatus === 'recalled' ? `recalled${lot.statusReason ? `: ${lot.statusReason}` : ''}` : lot.statusReason ?? 'quarantined in the inventory';
        this.#d.masterData.quarantineLot(gtin, lot.batch, reason.slice(0, 200), { by });
        return true;
      }
      return false;
    } catch (err) {
      this.#d.logger.warn({ err, sku: lot.sku, batch: lot.batch }, 'could not follow an inventory lot status into master data');
      return false;
    }
  }

  /** Projects the ledger's stock to master data when moves were posted since the last projection. */
  projectIfMoved(): number {
    try {
      const moves = this.#d.ledger.counts().moves;
      if (moves === this.#projectedAtMoves) return 0;
      const changed = this.#d.bridge.projectStock();
      this.#projectedAtMoves = moves;
      if (changed > 0) this.#d.logger.info({ changed }, 'ledger stock projected to master data');
      return changed;
    } catch (err) {
      this.#d.logger.warn({ err }, 'could not project the ledger stock to master data');
      return 0;
    }
  }
}
