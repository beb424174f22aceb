/**
 * The "JS preview": the plan that compileRule turns into closures, printed as JavaScript-like
 * text, one call per closure (plan-closures.ts builds exactly these nodes), so what the expert
 * sees is what runs: input keys, constants already in the tag's unit, timers with their state
 * keys. It is for reading, not for running.
 */
import type { RuleAst } from '../ast.ts';
import type { Glossary } from '../glossary.ts';
import { buildJsPlan, type PlanOptions } from './build-plan.ts';
import type { ActionPlan, CondPlan, JsPlan, ValuePlan } from './plan-types.ts';

export { buildJsPlan, type PlanOptions } from './build-plan.ts';
export type { JsPlan } from './plan-types.ts';

const js = (value: unknown): string => JSON.stringify(value);

/** Enough digits to be exact, without 1.7999999999999998-style noise where the value is round. */
function num(value: number): string {
  const short = Number(value.toPrecision(12));
  return String(short === value || Math.abs(short - value) < 1e-9 * Math.max(1, Math.abs(value)) ? short : value);
}

function scalar(value: number | boolean | string): string {
  return typeof value === 'number' ? num(value) : js(value);
}

export function printValue(plan: ValuePlan): string {
  switch (plan.kind) {
    case 'input':
      return `${plan.type}(${js(plan.key)})${plan.unit ? ` /* ${plan.unit} */` : ''}`;
    case 'const':
      return `${scalar(plan.value)}${plan.written ? ` /* ${plan.written} */` : plan.unit ? ` /* ${plan.unit} */` : ''}`;
    case 'linear':
      return `(${printValue(plan.of)} * ${num(plan.factor)} + ${num(plan.offset)}) /* ${plan.from} -> ${plan.to} */`;
    case 'arith':
      return `(${printValue(plan.left)} ${plan.op} ${printValue(plan.right)})`;
  }
}

function printCondition(plan: CondPlan, indent: string): string {
  const inner = `${indent}  `;
  switch (plan.kind) {
    case 'compare':
      return `${printValue(plan.left)} ${plan.op} ${printValue(plan.right)}`;
    case 'range':
      return `${plan.outside ? 'outside' : 'between'}(${printValue(plan.value)}, ${printValue(plan.low)}, ${printValue(plan.high)})`;
    case 'is':
      return `${printValue(plan.value)} === ${plan.expected}`;
    case 'edge':
      return `${plan.edge}Edge(${js(plan.stateKey)}, ${printCondition(plan.of, indent)})`;
    case 'sustained':
      return `sustained(${js(plan.stateKey)}, ${plan.durationMs} /* ${plan.written} */,\n${inner}${printCondition(plan.of, inner)})`;
    case 'streak':
      return `streak(${js(plan.stateKey)}, ${plan.days} /* UTC days */,\n${inner}${printCondition(plan.of, inner)})`;
    case 'and':
    case 'or':
      return `${plan.kind}(\n${plan.items.map((item) => `${inner}${printCondition(item, inner)},`).join('\n')}\n${indent})`;
    case 'not':
      return `not(${printCondition(plan.of, indent)})`;
  }
}

function printAction(plan: ActionPlan): string {
  if (plan.kind === 'effect') return js(plan.effect);
  return `{"kind":"writeTag","device":${js(plan.device)},"tag":${js(plan.tag)},"value":${plan.type}(${printValue(plan.value)})}`;
}

/** The plan as readable text. */
export function printJsPlan(plan: JsPlan): string {
  const lines = [
    `// rule ${plan.id} v${plan.version}: evaluated when one of its inputs changes or a timer is due`,
    `// inputs: ${plan.inputs.map(js).join(', ') || '(none)'}`,
  ];
  if (plan.eventInputs.length > 0) lines.push(`// events (each new value decides afresh): ${plan.eventInputs.map(js).join(', ')}`);
  if (Object.keys(plan.facts).length > 0) lines.push(`const facts = ${js(plan.facts)}; // a live input of the same key wins`);
  lines.push(
    '// an unknown value (missing, bad quality, wrong type) makes its comparison unknown, never true',
    `const condition = ${printCondition(plan.condition, '')};`,
    '// on the rising edge of condition (or a new event value while it holds):',
    `const onRise = [\n${plan.actions.map((a) => `  ${printAction(a)},`).join('\n')}\n];`,
  );
  const releases = plan.actions.filter((a) => a.kind === 'effect' && a.releasable);
  if (releases.length > 0) {
    lines.push('// when condition stops holding:', `const onFall = [\n${releases.map((a) => `  { ...${printAction(a)}, released: true },`).join('\n')}\n];`);
  }
  return lines.join('\n');
}

/** The JS preview of a rule: the same plan compileRule builds its closures from, printed. */
export function renderJsPreview(ast: RuleAst, glossary: Glossary, options: PlanOptions): string {
  return printJsPlan(buildJsPlan(ast, glossary, options));
}
