/**
 * Strict typing of IEC 61131-3 2nd edition expressions. The edition has no implicit type
 * conversion (2.5.1.5.1): operands of an operator share one type, and a literal takes the type
 * its context needs only within its own family (an integer literal fits any ANY_INT or bit
 * string, a real literal any ANY_REAL; `1` is not an LREAL). Types are canonical upper-case
 * names plus the two literal pseudo-types and ERROR (already reported; never reported again).
 */
import { families, intTypes, realTypes, type Family } from './st-standard-library.ts';

export const INT_LITERAL = 'INT_LITERAL';
export const REAL_LITERAL = 'REAL_LITERAL';
export const ERROR = 'ERROR';
export type StType = string;

const ints: ReadonlySet<string> = new Set(intTypes);
const reals: ReadonlySet<string> = new Set(realTypes);

/** Whether a value of type `type` may stand where `family` is expected. */
export function fits(family: Family, type: StType): boolean {
  if (type === ERROR) return true;
  if (type === INT_LITERAL) return [...family].some((t) => ints.has(t) || (families.ANY_BIT.has(t) && t !== 'BOOL'));
  if (type === REAL_LITERAL) return [...family].some((t) => reals.has(t));
  return family.has(type);
}

/** The one type both operands can have, or undefined when they cannot be mixed without a conversion. */
export function unify(a: StType, b: StType): StType | undefined {
  if (a === b) return a;
  if (a === ERROR) return b;
  if (b === ERROR) return a;
  const literal = (x: StType) => x === INT_LITERAL || x === REAL_LITERAL;
  if (literal(a) && !literal(b)) return fits(new Set([b]), a) ? b : undefined;
  if (literal(b) && !literal(a)) return fits(new Set([a]), b) ? a : undefined;
  return undefined;
}

/** Whether a value of type `value` may be assigned to (or passed as) `target`. */
export function assignable(target: StType, value: StType): boolean {
  if (target === ERROR || value === ERROR) return true;
  return unify(target, value) === target;
}

export function describeType(type: StType): string {
  if (type === INT_LITERAL) return 'an integer literal';
  if (type === REAL_LITERAL) return 'a REAL literal';
  return type;
}

/** The fix for a mismatch: the conversion function, or how to write the literal. */
export function conversionHint(from: StType, to: StType): string {
  if (from === INT_LITERAL && reals.has(to)) return 'write the literal with a decimal point, e.g. 1.0';
  if (from === REAL_LITERAL && ints.has(to)) return `write an integer literal or convert with LREAL_TO_${to}`;
  if (from === INT_LITERAL || from === REAL_LITERAL || to === INT_LITERAL || to === REAL_LITERAL) return 'use a value of the right type';
  return `convert explicitly, e.g. ${from}_TO_${to}`;
}

/** A family's name for messages: its single type, or its generic name. */
export function familyName(family: Family): string {
  if (family.size === 1) return [...family][0]!;
  for (const [name, members] of Object.entries(families)) if (members === family) return name;
  return [...family].join(' or ');
}
