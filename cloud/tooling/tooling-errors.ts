/**
 * Why the tooling part refuses something: a stable code, the input at fault (`parent`,
 * `warnAtShots`, `attachments.0.contentType`) and a message saying what was found and what to
 * send; nothing has changed when one is thrown (every write is one transaction). The routes
 * answer each code with the API catalogue's code and status given here, so the catalogue needs
 * no tooling-only entries.
 */
import { PartRefusal, type RefusalAnswer } from '../part-refusal.ts';

export const toolingErrorCodes = {
  UNKNOWN_ASSET: { status: 404, api: 'NOT_FOUND', text: 'No tooling asset with that id.' },
  UNKNOWN_MACHINE: { status: 404, api: 'NOT_FOUND', text: 'No machine with that id.' },
  UNKNOWN_ATTACHMENT: { status: 404, api: 'NOT_FOUND', text: 'No attachment with that id.' },
  INVALID_INPUT: { status: 400, api: 'INVALID_INPUT', text: 'A field has a value the tooling part cannot use.' },
  CONFLICT: { status: 409, api: 'CONFLICT', text: 'The change clashes with what exists.' },
} as const;

export type ToolingErrorCode = keyof typeof toolingErrorCodes;

export class ToolingError extends PartRefusal<ToolingErrorCode> {
  override readonly name = 'ToolingError';
  get answer(): RefusalAnswer { return toolingErrorCodes[this.code]; }
}

/** Shorthand for the common refusal: a field with a value that cannot be used. */
export const invalid = (field: string, message: string): ToolingError => new ToolingError('INVALID_INPUT', field, `${field}: ${message}`);
