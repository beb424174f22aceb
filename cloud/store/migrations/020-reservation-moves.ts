/**
 * Moves by the reservation they fulfil. Reversing a pick or shipment that filled its reservation
 * line completely re-opens the line by what the ledger says was taken against it
 * (posting-batch.ts `netFulfilled`); without this index that read scanned every move of the SKU
 * (12 ms at 200,000 moves of one SKU, growing with the ledger). Partial: most moves name none.
 */
import type { Migration } from '../migrations.ts';

export const reservationMoves020: Migration = {
  version: 20,
  name: 'reservation-moves',
  up: `
    CREATE INDEX inv_move_reservation ON inv_move(reservation_id, sku) WHERE reservation_id IS NOT NULL;
  `,
};
