/**
 * Literals and comment text for the Structured Text the compiler writes, in the forms of
 * IEC 61131-3 2nd edition (2003) Annex B.1.2: a REAL literal always carries a decimal point
 * (`1247.0`, `1.5E-7`), since an integer literal is ANY_INT and the edition has no implicit
 * conversion; a duration is a TIME literal (`T#1h30m`) in one canonical form; comments are
 * `(* *)` with ASCII text only.
 */

/** `n` as an LREAL literal without a sign wrapper: `1247.0`, `-3.5`, `1.5E-7`, `1.0E21`. */
export function realLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as an IEC 61131-3 REAL literal; expected a finite number`);
  // 15 significant digits drop the binary noise of unit conversion (46.4 °F -> 8.000000000000002 °C).
  const rounded = Number(n.toPrecision(15));
  const value = Object.is(rounded, -0) ? 0 : rounded;
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return `${value}.0`;
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa, exponent] = text.split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A real literal that is safe as an operand anywhere in an expression: negatives in parentheses. */
export function realOperand(n: number): string {
  const text = realLiteral(n);
  return text.startsWith('-') ? `(${text})` : text;
}

const timeParts: ReadonlyArray<[suffix: string, ms: number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * Milliseconds as a TIME literal (B.1.2.3.1 durations), canonical: largest units first, zero
 * parts left out, whole milliseconds: 300000 -> `T#5m`, 5400000 -> `T#1h30m`, 0 -> `T#0s`.
 */
export function timeLiteral(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot write ${ms} ms as a TIME literal; expected a finite duration >= 0`);
  let rest = Math.round(ms);
  if (rest === 0) return 'T#0s';
  let text = 'T#';
  for (const [suffix, size] of timeParts) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${suffix}`;
    rest -= count * size;
  }
  return text;
}

/**
 * Text safe inside `(* *)`: ASCII only (the edition's character set is ISO 646), degree signs
 * spelled `deg`, other characters as `<U+7535>`, and no `(*` or `*)` that would end the comment.
 */
export function commentText(text: string): string {
  let out = '';
  for (const ch of text.replace(/°/g, 'deg')) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out += ch;
    else if (ch === '\n' || ch === '\t' || ch === '\r') out += ' ';
    else out += `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  }
  return out.replace(/\(\*/g, '( *').replace(/\*\)/g, '* )');
}
