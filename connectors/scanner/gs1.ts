/**
 * GS1 element strings as scanners send them (issue 6, docs/scan-protocol.md "GS1 codes"):
 *   - bracketed, as printed under the bars and keyed by hand: `(01)09506000134352(17)261231(10)ABC123`;
 *   - raw, as a reader transmits them: AIs and values back to back, GS (0x1D) for FNC1 after each
 *     value of variable length, optionally prefixed by an AIM symbology identifier (`]C1` GS1-128,
 *     `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar) or a leading GS (FNC1 in first position);
 *   - a bare GTIN-8, -12, -13 or -14 (an EAN/UPC symbol), read as the item code.
 * The parser never throws: every problem is a message naming it and what the operator does.
 */
import { GS, aiAt, aiLengthOfPrefix, characterSet82, gs1AiSpecs, hasPredefinedLength, type Gs1AiSpec } from './gs1-ai-table.ts';

export interface Gs1Element { ai: string; value: string }

export type Gs1Symbology = 'gs1-128' | 'gs1-datamatrix' | 'gs1-qr' | 'gs1-databar';

export type Gs1Result =
  | { ok: true; symbology?: Gs1Symbology; elements: Gs1Element[];
      gtin?: string; batch?: string; expiry?: string /* YYYY-MM-DD */; bestBefore?: string; serial?: string; qty?: number; sscc?: string }
  | { ok: false; message: string; position?: number };

type Gs1Failure = Extract<Gs1Result, { ok: false }>;
type Gs1Success = Extract<Gs1Result, { ok: true }>;

/** AIM symbology identifiers (ISO/IEC 15424) that announce a GS1 element string. [GenSpecs §5.1.2] */
const gs1Symbologies: Readonly<Record<string, Gs1Symbology>> = {
  ']C1': 'gs1-128', ']d2': 'gs1-datamatrix', ']Q3': 'gs1-qr', ']e0': 'gs1-databar',
};
/** EAN/UPC identifiers: the data is a bare GTIN, not an element string. */
const eanUpcSymbology = /^\]E[0-4]$/;

const RESCAN = 'rescan the label or key the code in';

/**
 * The GS1 check digit (mod 10, weights 3 and 1 from the right) of `digits`, which are the digits
 * before the check digit. [GenSpecs §7.9.1] Throws a RangeError unless `digits` is 1 or more digits.
 */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new RangeError(`gs1CheckDigit expects digits, got ${JSON.stringify(digits)}`);
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (digits.charCodeAt(i) - 48) * weight;
  return (10 - (sum % 10)) % 10;
}

/**
 * Element strings in one of the two written forms. 'bracketed' escapes a '(' inside a value as
 * '\(' (as the GS1 Barcode Syntax Engine does) so the text parses back; 'raw' puts GS after each
 * value without a predefined length, except the last. [GenSpecs §7.8.5]
 */
export function formatGs1(elements: Gs1Element[], form: 'bracketed' | 'raw'): string {
  if (form === 'bracketed') return elements.map(({ ai, value }) => `(${ai})${value.replaceAll('(', '\\(')}`).join('');
  return elements
    .map(({ ai, value }, index) => `${ai}${value}${index < elements.length - 1 && !hasPredefinedLength(ai) ? GS : ''}`)
    .join('');
}

/** Parses a scanned or keyed code; `now` (ms, default the current time) places two-digit years. */
export function parseGs1(code: string, options: { now?: number } = {}): Gs1Result {
  try {
    if (typeof code !== 'string') return fail('the code is not text; send the barcode as a string');
    const now = typeof options?.now === 'number' && Number.isFinite(options.now) ? options.now : Date.now();
    return parseText(code, now);
  } catch (error) {
    // Defensive: a bug here must not take a scan down with it.
    return fail(`the code could not be read (${error instanceof Error ? error.message : String(error)}); ${RESCAN}`);
  }
}

interface Token { ai: string; value: string; position: number }

function parseText(code: string, now: number): Gs1Result {
  // Keyboard-wedge scanners end a read with CR/LF; spaces are not GS1 characters either.
  const leading = code.length - code.trimStart().length;
  const text = code.trim();
  if (text === '') return fail('the code is empty; scan the barcode again', 0);

  if (text.startsWith('(')) {
    const tokens = tokenizeBracketed(text, leading);
    return 'message' in tokens ? tokens : assemble(tokens, undefined, now);
  }

  let start = 0;
  let symbology: Gs1Symbology | undefined;
  if (text.startsWith(']')) {
    const identifier = text.slice(0, 3);
    symbology = gs1Symbologies[identifier];
    if (!symbology) {
      if (eanUpcSymbology.test(identifier)) return bareGtin(text.slice(3), leading + 3) ?? fail(`${show(text)} is an EAN/UPC symbol without a valid GTIN; ${RESCAN}`, leading);
      return fail(`symbology identifier ${show(identifier)} carries no GS1 element string (expected ]C1 GS1-128, ]d2 DataMatrix, ]Q3 QR or ]e0 DataBar); scan the GS1 barcode on the label`, leading);
    }
    start = 3;
  }
  if (symbology === undefined && /^\d+$/.test(text) && [8, 12, 13, 14].includes(text.length)) {
    return bareGtin(text, leading) ?? fail(`${show(text)} is not a GS1 code; ${RESCAN}`, leading);
  }
  if (symbology === undefined && !/^[\d\x1d]/.test(text)) {
    return fail(`${show(text)} is not a GS1 code: expected (AI)value such as (01)09506000134352(10)ABC123, a raw element string, or a GTIN of 8, 12, 13 or 14 digits; scan the GS1 barcode on the label`, leading);
  }
  const tokens = tokenizeRaw(text, start, leading);
  return 'message' in tokens ? tokens : assemble(tokens, symbology, now);
}

/** A GTIN without an AI (EAN-8, UPC-A, EAN-13, ITF-14 data): the item code, padded to 14 digits. */
function bareGtin(digits: string, position: number): Gs1Result | undefined {
  if (!/^\d+$/.test(digits) || ![8, 12, 13, 14].includes(digits.length)) return undefined;
  const problem = checkDigitProblem('GTIN', digits);
  if (problem) return fail(problem, position);
  const gtin = digits.padStart(14, '0');
  return { ok: true, elements: [{ ai: '01', value: gtin }], gtin };
}

/** `(AI)value(AI)value...`; a '(' inside a value is written '\(' or is simply not followed by digits and ')'. */
function tokenizeBracketed(text: string, offset: number): Token[] | Gs1Failure {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const ai = /^\((\d{2,4})\)/.exec(text.slice(position, position + 6));
    if (!ai) {
      return fail(`expected an AI in brackets such as (01) at position ${offset + position}, found ${show(text.slice(position, position + 8))}; write the code as (AI)value(AI)value`, offset + position);
    }
    const aiDigits = ai[1]!;
    if (!gs1AiSpecs.has(aiDigits)) return unknownAi(aiDigits, offset + position);
    let cursor = position + ai[0].length;
    let value = '';
    while (cursor < text.length) {
      const char = text[cursor]!;
      if (char === '\\' && text[cursor + 1] === '(') { value += '('; cursor += 2; continue; }
      if (char === '(' && /^\(\d{2,4}\)/.test(text.slice(cursor, cursor + 6))) break;
      value += char;
      cursor++;
    }
    tokens.push({ ai: aiDigits, value: value.trim(), position: offset + position });
    position = cursor;
  }
  return tokens;
}

/** AI, value, AI, value...: a value of predefined length ends by its length, any other at GS or the end. */
function tokenizeRaw(text: string, start: number, offset: number): Token[] | Gs1Failure {
  const tokens: Token[] = [];
  let position = start;
  while (position < text.length) {
    // A GS in first position is FNC1 announcing GS1 data; one after a predefined-length value is redundant but harmless.
    if (text[position] === GS) { position++; continue; }
    if (!/^\d\d/.test(text.slice(position, position + 2))) {
      return fail(`expected an AI (digits) at position ${offset + position}, found ${show(text.slice(position, position + 8))}; ${RESCAN}`, offset + position);
    }
    const spec = aiAt(text, position);
    if (!spec) {
      const candidate = text.slice(position, position + aiLengthOfPrefix(text.slice(position, position + 2)));
      return unknownAi(/^\d+/.exec(candidate)![0], offset + position);
    }
    const valueStart = position + spec.ai.length;
    let valueEnd: number;
    if (hasPredefinedLength(spec.ai)) {
      valueEnd = Math.min(valueStart + spec.maxLength, text.length);
      const gsInside = text.indexOf(GS, valueStart);
      if (gsInside !== -1 && gsInside < valueEnd) valueEnd = gsInside;
    } else {
      const gs = text.indexOf(GS, valueStart);
      valueEnd = gs === -1 ? text.length : gs;
      const length = valueEnd - valueStart;
      if (length > spec.maxLength) {
        return fail(`(${spec.ai}) is ${length} characters; at most ${spec.maxLength} - a GS separator may be missing after it; ${RESCAN}`, offset + position);
      }
    }
    tokens.push({ ai: spec.ai, value: text.slice(valueStart, valueEnd), position: offset + position });
    position = valueEnd;
  }
  if (tokens.length === 0) return fail('the code holds no GS1 element string after its symbology identifier; scan the barcode again', offset);
  return tokens;
}

/** Checks every value, then builds the result: the first problem found is the answer. */
function assemble(tokens: Token[], symbology: Gs1Symbology | undefined, now: number): Gs1Result {
  const elements: Gs1Element[] = [];
  const seen = new Map<string, string>();
  const dates = new Map<string, string>();
  for (const token of tokens) {
    const spec = gs1AiSpecs.get(token.ai)!;
    const problem = valueProblem(spec, token.value);
    if (problem) return fail(problem, token.position);
    if (spec.kind === 'date') {
      const date = gs1Date(token.value, now);
      if ('problem' in date) return fail(`(${spec.ai}) ${token.value}: ${date.problem}; the ${spec.title} on the label is wrong - key the code in or set the item aside`, token.position);
      dates.set(spec.ai, date.iso);
    }
    const earlier = seen.get(token.ai);
    if (earlier !== undefined) {
      // The same AI twice with the same value is allowed; with another value the label contradicts itself. [GenSpecs §4.14]
      if (earlier !== token.value) return fail(`(${token.ai}) appears twice with different values ${show(earlier)} and ${show(token.value)}; the label contradicts itself - key the code in`, token.position);
      continue;
    }
    seen.set(token.ai, token.value);
    elements.push({ ai: token.ai, value: token.value });
  }
  const result: Gs1Success = { ok: true, elements };
  if (symbology) result.symbology = symbology;
  const gtin = seen.get('01') ?? seen.get('02');
  if (gtin !== undefined) result.gtin = gtin;
  const batch = seen.get('10');
  if (batch !== undefined) result.batch = batch;
  const expiry = dates.get('17');
  if (expiry !== undefined) result.expiry = expiry;
  const bestBefore = dates.get('15');
  if (bestBefore !== undefined) result.bestBefore = bestBefore;
  const serial = seen.get('21');
  if (serial !== undefined) result.serial = serial;
  const count = elements.find((element) => element.ai === '30' || element.ai === '37');
  if (count) result.qty = Number(count.value);
  const sscc = seen.get('00');
  if (sscc !== undefined) result.sscc = sscc;
  return result;
}

/** What is wrong with a value for its AI (charset, length, check digit), or undefined. */
function valueProblem(spec: Gs1AiSpec, value: string): string | undefined {
  const label = `(${spec.ai})`;
  if (value.length === 0) return `${label} has no value; ${RESCAN}`;
  if (spec.charset === 'N' && !/^\d+$/.test(value)) {
    return `${label} ${show(value)} must be digits only (${spec.title}); ${RESCAN}`;
  }
  if (spec.charset === 'X' && !characterSet82.test(value)) {
    const bad = [...value].find((char) => !characterSet82.test(char))!;
    return `${label} ${show(value)} has ${describeChar(bad)}, which is not in GS1 character set 82 (letters, digits and !"%&'()*+,-./:;<=>?_); ${RESCAN}`;
  }
  if (spec.minLength === spec.maxLength && value.length !== spec.maxLength) {
    return `${label} is ${value.length} digits; expected ${spec.maxLength} (${spec.title}); ${RESCAN}`;
  }
  if (value.length > spec.maxLength) return `${label} is ${value.length} characters; at most ${spec.maxLength}; ${RESCAN}`;
  if (spec.kind === 'gtin') return checkDigitProblem('GTIN', value);
  if (spec.kind === 'sscc') return checkDigitProblem('SSCC', value);
  if (spec.kind === 'gln') return checkDigitProblem(`${label} GLN`, value);
  return undefined;
}

function checkDigitProblem(what: string, digits: string): string | undefined {
  const expected = gs1CheckDigit(digits.slice(0, -1));
  const found = Number(digits.slice(-1));
  return found === expected ? undefined : `${what} ${digits} has check digit ${found}; expected ${expected} - ${RESCAN}`;
}

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * YYMMDD to YYYY-MM-DD. The century is the one that puts the year within -49..+50 years of the
 * current year [GenSpecs §7.12]; DD = 00 means the last day of the month. [GenSpecs §3.4.4, §3.4.6]
 */
export function gs1Date(yymmdd: string, now: number): { iso: string } | { problem: string } {
  if (!/^\d{6}$/.test(yymmdd)) return { problem: 'expected six digits YYMMDD' };
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return { problem: `month ${yymmdd.slice(2, 4)} does not exist` };
  const currentYear = new Date(now).getUTCFullYear();
  const currentYy = currentYear % 100;
  const difference = yy - currentYy;
  const century = currentYear - currentYy + (difference >= 51 ? -100 : difference <= -50 ? 100 : 0);
  const year = century + yy;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return { problem: `day ${day} does not exist in ${monthNames[month - 1]} ${year}` };
  const dd = day === 0 ? daysInMonth : day;
  return { iso: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}` };
}

function unknownAi(ai: string, position: number): Gs1Failure {
  return fail(`unknown AI (${ai}) at position ${position}; the gateway reads ${knownAiList}; key the GTIN and batch in`, position);
}

const knownAiList = '(00) (01) (02) (10) (11) (13) (15) (16) (17) (21) (240) (241) (250) (251) (30) (310n)-(316n) (37) (400) (410)-(415)';

function fail(message: string, position?: number): Gs1Failure {
  return position === undefined ? { ok: false, message } : { ok: false, message, position };
}

function describeChar(char: string): string {
  return `'${show(char)}' (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A value as it can be quoted in a message: control characters visible, long text cut. */
function show(text: string): string {
  const visible = text.replace(/[\x00-\x1f\x7f]/g, (char) => (char === GS ? '<GS>' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`));
  const chars = [...visible];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}...` : visible;
}
