/**
 * The shelf environment the scan decider reads (scan-ports.ts EnvironmentView): a location's
 * `temperatureTag` / `humidityTag` is a `device/tag` reference, answered from the gateway's tag
 * cache (a polled sensor: `shelf-sensors/B12/temperature`) or, when no connector has that tag,
 * from the latest reading an MQTT shelf sensor published (`sensor-b18/temperature`: device
 * `sensor-b18`, measurement `temperature`, from `devices/sensor-b18/reading`).
 */
import type { Reading } from '../../devices/scan-protocol.ts';
import type { TagCache } from '../tag-cache.ts';
import type { EnvironmentReading, EnvironmentView } from './scan-ports.ts';

/** The latest value of each measurement of each MQTT sensor device, in memory. */
export class DeviceReadings {
  readonly #devices = new Map<string, Map<string, EnvironmentReading>>();
  #updates = 0;

  /** Keeps the newest value per measurement; an older timestamp never overwrites a newer one. */
  update(deviceId: string, reading: Reading, receivedAt: number): void {
    let values = this.#devices.get(deviceId);
    if (!values) this.#devices.set(deviceId, (values = new Map()));
    const ts = reading.at ?? receivedAt;
    for (const [name, value] of Object.entries(reading.values)) {
      const previous = values.get(name);
      if (!previous || previous.ts <= ts) values.set(name, { value, quality: 'good', ts });
    }
    this.#updates++;
  }

  latest(deviceId: string, measurement: string): EnvironmentReading | undefined {
    return this.#devices.get(deviceId)?.get(measurement);
  }

  /** Readings taken since start, and devices heard from. */
  stats(): { updates: number; devices: number } {
    return { updates: this.#updates, devices: this.#devices.size };
  }
}

export function environmentView(tagCache: Pick<TagCache, 'get'>, readings: Pick<DeviceReadings, 'latest'>): EnvironmentView {
  return {
    latest(tagRef) {
      const slash = tagRef.indexOf('/');
      if (slash <= 0) return undefined;
      const device = tagRef.slice(0, slash);
      const tag = tagRef.slice(slash + 1);
      const polled = tagCache.get(device, tag);
      if (polled) {
        // A tag that is not a number (a string, a boolean, null after a failed read) cannot be
        // compared with a range: the decider sees a bad reading, not a guess.
        return typeof polled.value === 'number' && Number.isFinite(polled.value)
          ? { value: polled.value, quality: polled.quality, ts: polled.ts }
          : { value: Number.NaN, quality: 'bad', ts: polled.ts };
      }
      return readings.latest(device, tag);
    },
  };
}
