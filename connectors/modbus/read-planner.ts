/**
 * Plans the fewest Modbus read requests that cover a set of tags: per area, tags sorted by
 * offset are merged while they are adjacent, overlap, or sit at most `maxGapRegisters` apart,
 * and a request never spans more than the protocol (or the device) allows.
 *
 * Greedy left-to-right merging is optimal here: each request starts at the first uncovered tag
 * and extends as far as the limits allow, so no plan can cover the same tags with fewer requests.
 */
import { modbusAreas, type ModbusAddress, type ModbusArea } from './modbus-address.ts';

/** Protocol ceilings per request [Modbus Application Protocol V1.1b3 §6.1-6.4]. */
export const maxRegistersPerRequest = 125;
export const maxBitsPerRequest = 2000;

export interface PlannedTag {
  name: string;
  address: Pick<ModbusAddress, 'area' | 'offset' | 'width'>;
}

/** Where one tag's value sits inside a request's response. */
export interface PlannedItem {
  tag: string;
  /** Index of the tag's first register (or bit) in the response data. */
  index: number;
  width: number;
}

export interface ReadRequest {
  area: ModbusArea;
  /** First register (or bit) requested. */
  start: number;
  /** Registers (or bits) requested. */
  count: number;
  items: PlannedItem[];
}

export interface PlanLimits {
  /** Largest register request (1..125). */
  maxRegistersPerRead: number;
  /** Unwanted registers the planner may read to save a request. Bit areas allow 16 bits per register. */
  maxGapRegisters: number;
  /** Largest bit request (1..2000); defaults to the protocol maximum. */
  maxBitsPerRead?: number;
}

const areaOrder = Object.keys(modbusAreas) as ModbusArea[];

function limitsFor(area: ModbusArea, limits: PlanLimits): { maxCount: number; maxGap: number } {
  // A register's worth of bits costs the same bytes on the wire as a register.
  return modbusAreas[area].unit === 'bit'
    ? { maxCount: Math.min(maxBitsPerRequest, limits.maxBitsPerRead ?? maxBitsPerRequest), maxGap: limits.maxGapRegisters * 16 }
    : { maxCount: Math.min(maxRegistersPerRequest, limits.maxRegistersPerRead), maxGap: limits.maxGapRegisters };
}

/**
 * Pure: the same tags and limits always give the same plan, ordered by area (co, di, ir, hr)
 * then offset. A tag wider than the limit (rejected by validation) gets a request of its own.
 */
export function planReads(tags: readonly PlannedTag[], limits: PlanLimits): ReadRequest[] {
  const requests: ReadRequest[] = [];
  for (const area of areaOrder) {
    const { maxCount, maxGap } = limitsFor(area, limits);
    const sorted = tags
      .filter((t) => t.address.area === area)
      .sort((a, b) => a.address.offset - b.address.offset || b.address.width - a.address.width);
    let current: { start: number; end: number; tags: PlannedTag[] } | undefined;
    const flush = () => {
      if (!current) return;
      const { start, end } = current;
      requests.push({
        area,
        start,
        count: end - start,
        items: current.tags.map((t) => ({ tag: t.name, index: t.address.offset - start, width: t.address.width })),
      });
    };
    for (const tag of sorted) {
      const { offset, width } = tag.address;
      const tagEnd = offset + width;
      if (current && offset - current.end <= maxGap && Math.max(current.end, tagEnd) - current.start <= maxCount) {
        current.end = Math.max(current.end, tagEnd);
        current.tags.push(tag);
      } else {
        flush();
        current = { start: offset, end: tagEnd, tags: [tag] };
      }
    }
    flush();
  }
  return requests;
}
