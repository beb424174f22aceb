/**
 * Why the production schedule refuses a change: a stable code, the field at fault and a message
 * naming the fix; nothing has changed when one is thrown. The web routes answer each code with
 * the API catalogue's nearest code (cloud/web/api-errors.ts) and this field and message, so the
 * API's error list needs no schedule-only entries.
 */
import { PartRefusal, type RefusalAnswer } from '../part-refusal.ts';

export const scheduleErrorCodes = {
  UNKNOWN_ORDER: { status: 404, api: 'NOT_FOUND', text: 'No production order with that id.' },
  UNKNOWN_MACHINE: { status: 400, api: 'INVALID_INPUT', text: 'The tooling part has no machine with that id.' },
  UNKNOWN_MOLD: { status: 400, api: 'INVALID_INPUT', text: 'The tooling tree has no mold with that id.' },
  UNKNOWN_ASSET: { status: 404, api: 'NOT_FOUND', text: 'The tooling tree has no asset with that id.' },
  INVALID_INPUT: { status: 400, api: 'INVALID_INPUT', text: 'A field has a value the schedule cannot use.' },
  ORDER_OVERLAP: { status: 409, api: 'CONFLICT', text: 'Planned and running orders on one machine must not overlap.' },
  CONFLICT: { status: 409, api: 'CONFLICT', text: 'The change clashes with the order\'s status.' },
} as const;

export type ScheduleErrorCode = keyof typeof scheduleErrorCodes;

export class ScheduleError extends PartRefusal<ScheduleErrorCode> {
  override readonly name = 'ScheduleError';
  get answer(): RefusalAnswer { return scheduleErrorCodes[this.code]; }
}
