/**
 * A small GS1 element-string encoder for the scanner simulator: what a GS1-128 or GS1 DataMatrix
 * label on a carton gives a scanner. Written apart from the gateway's parser on purpose: the two
 * meet only on the wire, so a misreading of the spec on either side shows up as a wrong decision.
 *
 * GS1 General Specifications:
 *   - 7.9.1 the check digit of GTIN-8/12/13/14: weights 3,1,3,... from the rightmost data digit;
 *     the check digit brings the sum up to a multiple of 10;
 *   - AI (17) expiry date YYMMDD, (10) batch and (21) serial up to 20 characters of set 82,
 *     (30) variable count up to 8 digits;
 *   - in the raw form a variable-length element string is ended by FNC1, which a scanner
 *     transmits as GS (ASCII 29), unless it is the last one; AIs of predefined length (01) and
 *     (17) (Figure 5.10.1-2) need no separator.
 */

export const GROUP_SEPARATOR = '\x1d';

/** The GS1 mod-10 check digit of a string of data digits (without the check digit). */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^\d+$/.test(dataDigits)) throw new Error(`gs1CheckDigit: expected digits only, found "${dataDigits}"`);
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of a GTIN (8, 12, 13 or 14 digits) is its check digit. */
export function hasValidCheckDigit(gtin: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) return false;
  return gs1CheckDigit(gtin.slice(0, -1)) === Number(gtin.at(-1));
}

/** A GTIN-14 from 13 data digits (or a shorter GTIN's data digits, padded with leading zeros). */
export function gtin14WithCheckDigit(dataDigits: string): string {
  const padded = dataDigits.padStart(13, '0');
  if (padded.length !== 13) throw new Error(`gtin14WithCheckDigit: expected at most 13 data digits, found ${dataDigits.length}`);
  return `${padded}${gs1CheckDigit(padded)}`;
}

/** Pads a GTIN-8/12/13 to 14 digits; a GTIN-14 stays as it is. */
export function toGtin14(gtin: string): string {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) throw new Error(`toGtin14: expected a GTIN of 8, 12, 13 or 14 digits, found "${gtin}"`);
  return gtin.padStart(14, '0');
}

/** What a carton label carries. */
export interface LabelContent {
  gtin: string;
  /** YYYY-MM-DD. */
  expiry?: string;
  batch?: string;
  serial?: string;
  /** (30) count of items. */
  qty?: number;
}

/** `bracketed`: the human-readable line under the bars; `raw`: what the scanner transmits. */
export type CodeForm = 'bracketed' | 'raw';

interface Element { ai: string; value: string; variable: boolean }

/** YYYY-MM-DD -> YYMMDD (GS1 3.4.2). */
export function gs1Date(isoDate: string): string {
  const match = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error(`gs1Date: expected YYYY-MM-DD, found "${isoDate}"`);
  return `${match[1]}${match[2]}${match[3]}`;
}

function elementsOf(label: LabelContent): Element[] {
  const elements: Element[] = [{ ai: '01', value: toGtin14(label.gtin), variable: false }];
  if (label.expiry !== undefined) elements.push({ ai: '17', value: gs1Date(label.expiry), variable: false });
  if (label.batch !== undefined) elements.push({ ai: '10', value: label.batch, variable: true });
  if (label.serial !== undefined) elements.push({ ai: '21', value: label.serial, variable: true });
  if (label.qty !== undefined) {
    if (!Number.isInteger(label.qty) || label.qty < 0 || label.qty > 99_999_999) throw new Error(`(30) count: expected a whole number 0..99999999, found ${label.qty}`);
    elements.push({ ai: '30', value: String(label.qty), variable: true });
  }
  return elements;
}

/**
 * The label as an element string. The raw form separates a variable-length element from the
 * next with GS, and puts nothing after the last one; `symbologyId` prefixes what a scanner in
 * "transmit AIM identifier" mode sends (`]C1` GS1-128, `]d2` GS1 DataMatrix).
 */
export function encodeElementString(label: LabelContent, form: CodeForm, symbologyId = ''): string {
  const elements = elementsOf(label);
  if (form === 'bracketed') return elements.map((e) => `(${e.ai})${e.value}`).join('');
  let out = symbologyId;
  elements.forEach((e, i) => {
    out += `${e.ai}${e.value}`;
    if (e.variable && i < elements.length - 1) out += GROUP_SEPARATOR;
  });
  return out;
}
