/**
 * The ASTs the seven library sentences (rules/library/demo-plant.rules.yaml) must parse to,
 * positions aside, keyed by rule id: what the team agreed for issue 5. Tests compare the parser's
 * output with them and drive the compiler with them.
 */
import { AST_VERSION, type Quantity, type RuleAst, type TermRef } from '../ast.ts';

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => (unit === undefined ? { kind: 'quantity', value } : { kind: 'quantity', value, unit });
const outsideB12 = { kind: 'range', outside: true, value: term('shelf-temperature', { shelf: 'B12' }), low: q(2, '°C'), high: q(8, '°C') } as const;

export const libraryAsts: Readonly<Record<string, RuleAst>> = {
  'electrode-cap-g1': {
    astVersion: AST_VERSION,
    condition: {
      kind: 'and',
      items: [
        { kind: 'compare', op: 'reaches', left: term('weld-count', { gun: 'G1' }), right: q(1247) },
        { kind: 'compare', op: 'atLeast', left: term('sheet-thickness', { gun: 'G1' }), right: q(1.8, 'mm') },
      ],
    },
    actions: [{ kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' }],
  },
  'cold-chain-b12': {
    astVersion: AST_VERSION,
    condition: { kind: 'sustained', of: outsideB12, duration: q(5, 'min') },
    actions: [{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }],
  },
  'cold-chain-b12-streak': {
    astVersion: AST_VERSION,
    condition: { kind: 'streak', of: outsideB12, days: 3 },
    actions: [{ kind: 'alert', role: 'maintenance' }],
  },
  'insert-life-imm-01': {
    astVersion: AST_VERSION,
    condition: {
      kind: 'compare',
      op: 'atMost',
      left: { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) },
      right: q(500),
    },
    actions: [{ kind: 'alert', role: 'tooling' }, { kind: 'recommend', recommendation: 'replace-insert' }],
  },
  'remnant-weight-f1': {
    astVersion: AST_VERSION,
    condition: { kind: 'compare', op: 'exceeds', left: term('remnant-weight', { furnace: 'F1' }), right: q(15, 'kg') },
    actions: [{ kind: 'startApproval', flow: 're-melt' }],
  },
  'near-expiry-ship-first': {
    astVersion: AST_VERSION,
    condition: { kind: 'compare', op: 'below', left: term('remaining-shelf-life'), right: q(60, 'd') },
    actions: [{ kind: 'recommend', recommendation: 'ship-first' }],
  },
};
