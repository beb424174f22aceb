/**
 * What master-data changes can be refused for. Each error names the field at fault and what to
 * do, so the web routes answer it as it is (cloud/web/routes/master-data.ts) and the seed file's
 * problems read the same at start-up.
 */
import type { MasterDataKind } from '../../config/master-data-schema.ts';

export interface MasterDataProblem {
  /** The field at fault, dotted (`temperatureC.min`), or `key`. */
  path: string;
  message: string;
}

/** The record does not match its kind's schema, or its key does not match the record. */
export class MasterDataInvalidError extends Error {
  constructor(readonly kind: MasterDataKind, readonly problems: MasterDataProblem[]) {
    super(`${problems.length} problem(s) in the ${kind} record: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'MasterDataInvalidError';
  }
}

/** The record refers to a record that does not exist (a lot's item, a stock row's lot or location). */
export class MasterDataReferenceError extends Error {
  constructor(readonly kind: MasterDataKind, readonly field: string, message: string) {
    super(message);
    this.name = 'MasterDataReferenceError';
  }
}

/** A delete that would leave other records pointing at nothing (an item that still has lots). */
export class MasterDataInUseError extends Error {
  constructor(readonly kind: MasterDataKind, readonly key: string, readonly usedBy: string[], message: string) {
    super(message);
    this.name = 'MasterDataInUseError';
  }
}

export class UnknownMasterRecordError extends Error {
  constructor(readonly kind: MasterDataKind, readonly key: string) {
    super(`there is no ${kind} "${key}"; GET /api/master-data/${kind} lists them`);
    this.name = 'UnknownMasterRecordError';
  }
}
