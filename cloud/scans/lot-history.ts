/**
 * A lot's cold-chain evidence (issue 6, Build 6): where it stayed and what its shelves measured
 * meanwhile. Stays come from the lot's scans: a receive, put-away, count or move at a location
 * starts a stay there (a move also ends the stays elsewhere: the lot left them), a pick at a
 * location ends the stay there; a stay nobody ended runs until now. Blocked scans did not happen.
 * A lot without a located scan (stock loaded from a seed file or booked in the cloud) has one stay
 * per master-data stock row, since the row was first recorded.
 */
import type { ScanRecord } from './scan-event.ts';
import type { ScanDeps } from './scan-deps.ts';
import { distanceOutside, measures, type ShelfTelemetry } from './shelf-telemetry.ts';

export interface Stay {
  location: string;
  from: number;
  /** null while the lot is still there. */
  to: number | null;
}

export interface StayEvidence extends Stay {
  /** The location's temperature readings in the stay, oldest first: [ts, °C]. */
  temperature: Array<[number, number]>;
  /** Readings outside the location's temperature range. */
  excursions: number;
  min: number | null;
  max: number | null;
}

export interface LotHistory {
  gtin: string;
  batch: string;
  stays: StayEvidence[];
  scans: ScanRecord[];
}

type StayMove = (open: Map<string, Stay>, closed: Stay[], location: string, at: number) => void;

const arrive: StayMove = (open, _closed, location, at) => {
  if (!open.has(location)) open.set(location, { location, from: at, to: null });
};
const leave = (open: Map<string, Stay>, closed: Stay[], location: string, at: number) => {
  const stay = open.get(location);
  if (!stay) return;
  open.delete(location);
  closed.push({ ...stay, to: at });
};

/** What each operation does to the lot's stays. */
const stayMoves: Readonly<Record<ScanRecord['op'], StayMove>> = {
  receive: arrive,
  putaway: arrive,
  count: arrive,
  pick: leave,
  move: (open, closed, location, at) => {
    for (const other of [...open.keys()]) if (other !== location) leave(open, closed, other, at);
    arrive(open, closed, location, at);
  },
};

/** The stays the scans show, in the order they started. */
export function staysOf(scans: readonly ScanRecord[]): Stay[] {
  const open = new Map<string, Stay>();
  const closed: Stay[] = [];
  const sorted = [...scans].sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const scan of sorted) {
    if (scan.verdict === 'block' || scan.location === null) continue;
    stayMoves[scan.op](open, closed, scan.location, scan.at);
  }
  return [...closed, ...open.values()].sort((a, b) => a.from - b.from || a.location.localeCompare(b.location));
}

export class LotHistories {
  readonly #deps: Pick<ScanDeps, 'locations' | 'stockAt'>;
  readonly #telemetry: ShelfTelemetry;

  constructor(deps: Pick<ScanDeps, 'locations' | 'stockAt'>, telemetry: ShelfTelemetry) {
    this.#deps = deps;
    this.#telemetry = telemetry;
  }

  /** The lot's stays with their temperature evidence, given its scans (ScanRecords.ofLot). */
  historyOf(gtin: string, batch: string, scans: ScanRecord[], now: number): LotHistory {
    const locations = new Map(this.#deps.locations().map((l) => [l.code, l]));
    let stays = staysOf(scans);
    if (stays.length === 0) stays = this.#staysFromStock(gtin, batch, locations, now);
    const evidence = stays.map((stay): StayEvidence => {
      const location = locations.get(stay.location);
      const tag = location && measures.temperature.tagOf(location);
      const range = location && measures.temperature.rangeOf(location);
      const samples = tag ? this.#telemetry.samples(tag, stay.from, stay.to ?? now) : [];
      let min: number | null = null;
      let max: number | null = null;
      let excursions = 0;
      for (const { value } of samples) {
        min = min === null || value < min ? value : min;
        max = max === null || value > max ? value : max;
        if (range && distanceOutside(value, range) > 0) excursions++;
      }
      return { ...stay, temperature: samples.map((s) => [s.ts, s.value]), excursions, min, max };
    });
    return { gtin, batch, stays: evidence, scans };
  }

  #staysFromStock(gtin: string, batch: string, locations: ReadonlyMap<string, { temperatureTag?: string }>, now: number): Stay[] {
    const stays: Stay[] = [];
    for (const code of locations.keys()) {
      for (const row of this.#deps.stockAt(code)) {
        if (row.gtin !== gtin || row.batch !== batch || row.qty <= 0) continue;
        // Without the row's own time, the evidence starts with the shelf's first reading.
        const tag = locations.get(code)?.temperatureTag;
        const from = row.since ?? (tag ? this.#telemetry.samples(tag, 0, now)[0]?.ts : undefined) ?? now;
        stays.push({ location: code, from, to: null });
      }
    }
    return stays.sort((a, b) => a.from - b.from);
  }
}
