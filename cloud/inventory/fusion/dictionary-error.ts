/**
 * A dictionary version that cannot be saved: every problem at once, each with its path
 * (`targets.0.formula`), so the whole definition can be fixed in one round. An InventoryError
 * (INVALID_INPUT, the first problem's path as field), so it is answered like the core's refusals.
 */
import { InventoryError } from '../inventory-errors.ts';
import type { DictionaryProblem } from './dictionary.ts';

export class DictionaryError extends InventoryError {
  constructor(readonly problems: DictionaryProblem[]) {
    const shown = problems.slice(0, 10).map((p) => p.message).join('; ');
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : '';
    super('INVALID_INPUT', problems[0]?.path ?? null, `the dictionary was not saved: ${shown}${more}`);
    this.name = 'DictionaryError';
  }
}
