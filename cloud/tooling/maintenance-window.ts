/**
 * Where to put the downtime to replace an insert (DESIGN.md tooling: "propose a maintenance window
 * that avoids scheduled orders"): the earliest gap of at least the window's duration between the
 * machine's production orders, ideally starting before the insert reaches its life. When no gap
 * starts in time, the earliest one after is proposed with a warning naming the order that runs
 * through the life point (the one to move). A pure function of its inputs, with the choice
 * explained in words, so it tests without the store, the schedule or the tooling part.
 */
import { formatHours, HOUR_MS, type ShotRate } from './shot-rate.ts';

/** The default downtime to swap an insert, cool and heat the mold, and try the first shots. */
export const DEFAULT_WINDOW_HOURS = 4;

/** The orders a window must avoid; cancelled and done orders are left out by the caller or here. */
export interface ScheduledOrder {
  id: string;
  sku: string;
  start: number;
  end: number;
  status: 'planned' | 'running' | 'done' | 'cancelled';
}

export interface WindowRequest {
  now: number;
  /** Default DEFAULT_WINDOW_HOURS. */
  durationHours?: number;
  /** e.g. `insert INS-0042`; used in the sentences. */
  assetLabel: string;
  /** e.g. `IMM-01`. */
  machine: string;
  /** Shots until its life (life - shots so far); 0 or less: at or past its life already; null: no life limit. */
  remainingShots: number | null;
  lifeShots: number | null;
  /** Null when the rate is unknown: then when the life is reached is unknown too. */
  rate: ShotRate | null;
  /** The machine's orders; only planned and running ones that end after `now` are avoided. */
  orders: readonly ScheduledOrder[];
}

export interface MaintenanceWindow {
  machine: string;
  start: number;
  end: number;
  durationHours: number;
  /** When the insert reaches its life at the current rate; null when the rate is unknown. */
  lifeReachedAt: number | null;
  shotsPerHour: number | null;
  /** The window starts at or before the life point; null when that point is unknown. */
  beforeLife: boolean | null;
  /** The order the window follows and the one after it (null: none). */
  afterOrder: string | null;
  beforeOrder: string | null;
  /** The order to move so the insert can be replaced before its life; null when none must. */
  orderToMove: string | null;
  /** Set when production will run past the life. */
  warning: string | null;
  /** Why this window, in words. */
  explanation: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** `2026-03-02 14:00 UTC` */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const isActive = (order: ScheduledOrder, now: number) => (order.status === 'planned' || order.status === 'running') && order.end > now;

/** The earliest start at or after `from` of a gap of `durationMs` free of every order in `sorted`. */
function earliestGap(sorted: readonly ScheduledOrder[], from: number, durationMs: number): { start: number; after: ScheduledOrder | null; before: ScheduledOrder | null } {
  let start = from;
  let after: ScheduledOrder | null = null;
  for (const order of sorted) {
    if (order.end <= start) continue;
    if (start + durationMs <= order.start) return { start, after, before: order };
    start = Math.max(start, order.end);
    after = order;
  }
  return { start, after, before: null };
}

/** Plans the window; throws a RangeError for a duration that is not a positive number of hours (a caller's bug: routes check it). */
export function planMaintenanceWindow(request: WindowRequest): MaintenanceWindow {
  const durationHours = request.durationHours ?? DEFAULT_WINDOW_HOURS;
  if (!(durationHours > 0) || !Number.isFinite(durationHours)) throw new RangeError(`durationHours: ${durationHours} is not a positive number of hours`);
  const { now, machine, assetLabel, rate } = request;
  const durationMs = durationHours * HOUR_MS;
  const orders = request.orders.filter((o) => isActive(o, now)).sort((a, b) => a.start - b.start || a.end - b.end);
  const gap = earliestGap(orders, now, durationMs);
  const end = gap.start + durationMs;

  const { remainingShots, lifeShots } = request;
  const pastLife = remainingShots !== null && remainingShots <= 0;
  const shotsPerHour = rate && rate.shotsPerHour > 0 ? rate.shotsPerHour : null;
  const lifeReachedAt = pastLife ? now : shotsPerHour === null || remainingShots === null ? null : now + Math.round((remainingShots / shotsPerHour) * HOUR_MS);
  const beforeLife = lifeReachedAt === null ? null : gap.start <= lifeReachedAt;

  const sentences: string[] = [];
  if (remainingShots === null || lifeShots === null) {
    sentences.push(`${assetLabel} has no life limit in shots, so only the production orders decide the window.`);
  } else if (pastLife) {
    sentences.push(`${assetLabel} is at or past its ${fmt(lifeShots)}-shot life (${fmt(lifeShots - remainingShots)} shots): replace it as soon as ${machine} is free.`);
  } else if (lifeReachedAt === null) {
    sentences.push(`${assetLabel} has ${fmt(remainingShots)} of ${fmt(lifeShots)} shots left; ${machine}'s shot rate is unknown (no recent counter samples and no cycle time), so when it reaches its life is unknown.`);
  } else {
    sentences.push(`${assetLabel} has ${fmt(remainingShots)} of ${fmt(lifeShots)} shots left; at ${fmt(shotsPerHour!)} shots/h (${rate!.basis}) it reaches its life at ${utcMinute(lifeReachedAt)}.`);
  }

  const where = gap.after && gap.before
    ? `between order ${gap.after.id} (ends ${utcMinute(gap.after.end)}) and order ${gap.before.id} (starts ${utcMinute(gap.before.start)})`
    : gap.after ? `after order ${gap.after.id} ends` : gap.before ? `before order ${gap.before.id} starts at ${utcMinute(gap.before.start)}` : 'with no production order scheduled';
  const startWords = gap.start === now ? 'starts now' : `starts ${utcMinute(gap.start)}`;
  sentences.push(`The earliest ${formatHours(durationHours)} on ${machine} free of production orders ${startWords}, ${where}.`);

  let orderToMove: string | null = null;
  let warning: string | null = null;
  if (lifeReachedAt !== null && !beforeLife) {
    // The first order still running at the life point, or the one that cuts short the gap the life point falls in.
    const blocking = orders.find((o) => o.end > lifeReachedAt) ?? null;
    orderToMove = blocking?.id ?? null;
    const late = formatHours((gap.start - lifeReachedAt) / HOUR_MS);
    const blame = blocking
      ? blocking.start <= lifeReachedAt
        ? `order ${blocking.id} (${blocking.sku}, ${utcMinute(blocking.start)} to ${utcMinute(blocking.end)}) runs through it`
        : `order ${blocking.id} (${blocking.sku}) starts ${utcMinute(blocking.start)}, less than ${formatHours(durationHours)} after it`
      : 'the machine is busy then';
    warning = pastLife
      ? `${assetLabel} is past its life and ${machine} is not free for ${formatHours(durationHours)} until ${utcMinute(gap.start)}: ${blame}. Stop or move order ${blocking?.id ?? '(none)'} to replace it now, or production runs ${late} on a worn insert.`
      : `No ${formatHours(durationHours)} gap on ${machine} starts before ${assetLabel} reaches its life at ${utcMinute(lifeReachedAt)}: ${blame}. Production will run ${late} past the life unless order ${blocking?.id ?? '(none)'} moves.`;
    sentences.push(warning);
  } else if (lifeReachedAt !== null && !pastLife) {
    sentences.push(`That is ${formatHours((lifeReachedAt - gap.start) / HOUR_MS)} before the life is reached.`);
  }

  return {
    machine, start: gap.start, end, durationHours, lifeReachedAt, shotsPerHour, beforeLife,
    afterOrder: gap.after?.id ?? null, beforeOrder: gap.before?.id ?? null, orderToMove, warning, explanation: sentences.join(' '),
  };
}
