/**
 * The declared names of one POU (IEC 61131-3 2nd edition 2.4.3 variable declaration, 2.5.2.2
 * function block declaration): each variable's section, type and whether it may be written.
 * Only standard elementary types and standard function blocks are accepted as types.
 */
import type { Name, Pou, VarSection } from './st-syntax.ts';
import { elementaryTypes, genericTypes, reservedWords, standardFunctionBlocks, typeAliases, type FunctionBlockType } from './st-standard-library.ts';

export interface StSymbol {
  name: string;
  section: VarSection | 'RESULT';
  constant: boolean;
  /** Canonical elementary type, or the FB type name when `fb` is set. */
  type: string;
  fb?: FunctionBlockType;
  line: number;
  col: number;
}

export type Report = (at: { line: number; col: number }, message: string) => void;

/** The canonical elementary type named `text`, if it is one. */
export function elementaryType(text: string): string | undefined {
  const upper = text.toUpperCase();
  const canonical = typeAliases[upper] ?? upper;
  return elementaryTypes.has(canonical) ? canonical : undefined;
}

export function buildScope(pou: Pou, report: Report): Map<string, StSymbol> {
  const symbols = new Map<string, StSymbol>();
  const pouName = pou.name.text.toUpperCase();
  if (reservedWords.has(pouName)) report(pou.name, `${pou.name.text} is a reserved name (a standard type, function or function block); name the ${pou.kind} differently`);

  const declare = (name: Name, symbol: Omit<StSymbol, 'name' | 'line' | 'col'>) => {
    const key = name.text.toUpperCase();
    const first = symbols.get(key);
    if (first) {
      report(name, `${name.text} is declared twice (first at ${first.line}:${first.col}); IEC 61131-3 names are case-insensitive`);
      return;
    }
    // Reported, but still declared: its uses should not cascade into "unknown variable".
    if (reservedWords.has(key)) report(name, `${name.text} is a reserved name (a standard type, function or function block); choose another variable name`);
    else if (key === pouName) report(name, `${name.text} is the name of its ${pou.kind}; choose another variable name`);
    symbols.set(key, { name: name.text, line: name.line, col: name.col, ...symbol });
  };

  if (pou.kind === 'FUNCTION' && pou.returnType) {
    const result = elementaryType(pou.returnType.text);
    if (!result) report(pou.returnType, `a FUNCTION returns an elementary type (BOOL, DINT, LREAL, TIME, ...), found ${pou.returnType.text}`);
    symbols.set(pouName, { name: pou.name.text, section: 'RESULT', constant: false, type: result ?? 'ERROR', line: pou.name.line, col: pou.name.col });
  }

  for (const block of pou.sections) {
    for (const decl of block.decls) {
      const typeText = decl.type.text.toUpperCase();
      const elementary = elementaryType(typeText);
      const fb = standardFunctionBlocks[typeText];
      let type = elementary ?? typeText;
      if (genericTypes.has(typeText)) {
        report(decl.type, `generic type ${typeText} cannot be a variable's type (only a standard function's parameter); use an elementary type such as LREAL`);
        type = 'ERROR';
      } else if (fb) {
        if (pou.kind === 'FUNCTION') report(decl.type, `a FUNCTION cannot hold a ${typeText} instance (functions have no memory); use a FUNCTION_BLOCK`);
        else if (block.section !== 'VAR') report(decl.type, `declare function block instances in VAR, not ${block.section}`);
        if (decl.init) report(decl.init, `a function block instance has no initial value; remove := ...`);
      } else if (!elementary) {
        report(decl.type, `unknown type ${decl.type.text}; use an elementary type (BOOL, DINT, LREAL, TIME, STRING, ...) or a standard function block (TON, R_TRIG, CTU, ...)`);
        type = 'ERROR';
      }
      if (decl.type.length !== undefined && elementary !== 'STRING' && elementary !== 'WSTRING') {
        report(decl.type, `only STRING and WSTRING take a length [n]; remove it from ${decl.type.text}`);
      }
      for (const name of decl.names) declare(name, { section: block.section, constant: block.constant, type, ...(fb ? { fb } : {}) });
    }
  }
  return symbols;
}
