/**
 * The lot trace's temperature evidence (TemperatureOf) from what the plant already records: the
 * master-data location names its temperature sensor as a gateway tag (`temperatureTag`) and its
 * range (`temperatureC`), and the telemetry store holds that tag's readings from every gateway
 * reporting it (cloud/scans/shelf-telemetry.ts reads them, bad-quality readings left out).
 * A location without a tag or without a range has no evidence (undefined).
 *
 * Composition: `temperatureEvidence({ locations: masterData.store, telemetry })`.
 */
import type { MasterDataStore } from '../masterdata/master-data-store.ts';
import { measures, ShelfTelemetry } from '../scans/shelf-telemetry.ts';
import type { TelemetryStore } from '../store/telemetry-store.ts';
import type { TemperatureOf } from './lot-trace-types.ts';

export interface TemperatureEvidenceDeps {
  /** Where a location's sensor tag and range are: the master-data store. */
  locations: Pick<MasterDataStore, 'get'>;
  telemetry: Pick<TelemetryStore, 'latest' | 'history'>;
}

export function temperatureEvidence({ locations, telemetry }: TemperatureEvidenceDeps): TemperatureOf {
  const shelves = new ShelfTelemetry(telemetry);
  const { tagOf, rangeOf, unit } = measures.temperature;
  return (location, from, to) => {
    const record = locations.get('location', location)?.value;
    if (!record) return undefined;
    const tag = tagOf(record);
    const range = rangeOf(record);
    if (tag === undefined || range === undefined) return undefined;
    return { unit, range: { min: range.min, max: range.max }, points: shelves.samples(tag, from, to).map((s): [number, number] => [s.ts, s.value]) };
  };
}
