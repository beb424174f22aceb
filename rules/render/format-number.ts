/**
 * A number as rule text: the shortest decimal that reads back as the same double, never in
 * exponent form (the rule grammar has no `1e-7`), so a rendered rule parses to the same AST.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} in a rule; expected a finite number`);
  if (Object.is(value, -0)) return '0';
  const shortest = String(value); // ECMAScript Number::toString gives the shortest round-tripping digits
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!match) return shortest;
  const [, sign, lead, fraction = '', exponentText] = match;
  const digits = `${lead}${fraction}`;
  const exponent = Number(exponentText);
  // The decimal point sits after the first digit; move it `exponent` places.
  const point = 1 + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
