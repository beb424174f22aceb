/**
 * The GS1 Application Identifiers the scanner connector reads, and the table of element strings
 * with a predefined length. Formats follow the GS1 General Specifications §3 (AI definitions) and
 * the GS1 Barcode Syntax Dictionary: N = digits, X = GS1 character set 82; `..` = up to.
 */

/** How a value is checked and what it means to the parser. */
export type Gs1ValueKind = 'sscc' | 'gtin' | 'gln' | 'date' | 'count' | 'measure' | 'text';

export interface Gs1AiSpec {
  ai: string;
  title: string;
  kind: Gs1ValueKind;
  /** 'N' digits only; 'X' GS1 character set 82. */
  charset: 'N' | 'X';
  /** Fixed-length values have minLength === maxLength. */
  minLength: number;
  maxLength: number;
}

/** The separator a reader transmits for FNC1 inside an element string (ASCII GS). [GenSpecs §7.8.3] */
export const GS = '\x1d';

/**
 * Element strings whose total length (AI + value) is predefined by the AI's first two digits, so no
 * FNC1 separator follows them. [GenSpecs Figure 7.8.5-2] This is the rule a reader applies, not the
 * AI's own format: an AI of fixed length outside this table (e.g. (7003)) still needs a separator.
 */
export const predefinedLengths: Readonly<Record<string, number>> = {
  '00': 20, '01': 16, '02': 16, '03': 16, '04': 18,
  '11': 8, '12': 8, '13': 8, '14': 8, '15': 8, '16': 8, '17': 8, '18': 8, '19': 8, '20': 4,
  '31': 10, '32': 10, '33': 10, '34': 10, '35': 10, '36': 10, '41': 16,
};

/** Whether the element string of `ai` ends by its predefined length (no FNC1/GS after it). */
export function hasPredefinedLength(ai: string): boolean {
  return predefinedLengths[ai.slice(0, 2)] !== undefined;
}

const fixed = (ai: string, title: string, kind: Gs1ValueKind, length: number): Gs1AiSpec =>
  ({ ai, title, kind, charset: 'N', minLength: length, maxLength: length });
const upTo = (ai: string, title: string, kind: Gs1ValueKind, charset: 'N' | 'X', maxLength: number): Gs1AiSpec =>
  ({ ai, title, kind, charset, minLength: 1, maxLength });

const measureTitles: Record<string, string> = {
  '310': 'net weight (kg)', '311': 'length (m)', '312': 'width (m)', '313': 'depth (m)',
  '314': 'area (m²)', '315': 'net volume (l)', '316': 'net volume (m³)',
};

const specs: Gs1AiSpec[] = [
  fixed('00', 'SSCC', 'sscc', 18),
  fixed('01', 'GTIN', 'gtin', 14),
  fixed('02', 'GTIN of contained trade items', 'gtin', 14),
  upTo('10', 'batch/lot', 'text', 'X', 20),
  fixed('11', 'production date', 'date', 6),
  fixed('13', 'packaging date', 'date', 6),
  fixed('15', 'best before date', 'date', 6),
  fixed('16', 'sell by date', 'date', 6),
  fixed('17', 'expiry date', 'date', 6),
  upTo('21', 'serial number', 'text', 'X', 20),
  upTo('240', 'additional product id', 'text', 'X', 30),
  upTo('241', 'customer part number', 'text', 'X', 30),
  upTo('250', 'secondary serial number', 'text', 'X', 30),
  upTo('251', 'reference to source entity', 'text', 'X', 30),
  upTo('30', 'variable count', 'count', 'N', 8),
  upTo('37', 'count of trade items', 'count', 'N', 8),
  upTo('400', "customer's purchase order number", 'text', 'X', 30),
  fixed('410', 'ship to GLN', 'gln', 13),
  fixed('411', 'bill to GLN', 'gln', 13),
  fixed('412', 'purchased from GLN', 'gln', 13),
  fixed('413', 'ship for GLN', 'gln', 13),
  fixed('414', 'location GLN', 'gln', 13),
  fixed('415', 'invoicing party GLN', 'gln', 13),
];
// 310n-316n: the fourth digit n (0-5) is the number of implied decimals.
for (const [base, title] of Object.entries(measureTitles)) {
  for (let decimals = 0; decimals <= 5; decimals++) specs.push(fixed(`${base}${decimals}`, `${title}, ${decimals} decimals`, 'measure', 6));
}

/** Every AI read here, by AI. */
export const gs1AiSpecs: ReadonlyMap<string, Gs1AiSpec> = new Map(specs.map((spec) => [spec.ai, spec]));

/**
 * The AI at `position` of a raw element string: GS1 AIs are prefix-free, so at most one of the
 * 2-, 3- and 4-digit prefixes is known.
 */
export function aiAt(text: string, position: number): Gs1AiSpec | undefined {
  for (let length = 2; length <= 4; length++) {
    const spec = gs1AiSpecs.get(text.slice(position, position + length));
    if (spec) return spec;
  }
  return undefined;
}

/**
 * How many digits the AI starting with these two digits has in the GS1 system (for naming an
 * unknown AI in an error). [GenSpecs Figure 7.8.2-1 / TDS table K]
 */
export function aiLengthOfPrefix(firstTwoDigits: string): number {
  const prefix = Number(firstTwoDigits);
  if ([23, 24, 25, 40, 41, 42, 71].includes(prefix)) return 3;
  if ((prefix >= 31 && prefix <= 36) || prefix === 39 || prefix === 43 || (prefix >= 70 && prefix <= 89)) return 4;
  return 2;
}

/** GS1 character set 82 (GenSpecs Figure 7.11-1): the characters of an X value. */
export const characterSet82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
