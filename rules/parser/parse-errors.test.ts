import { describe, expect, it } from 'vitest';
import type { RuleProblem } from '../rule-problem.ts';
import { parseRule } from './parse-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

function problemsOf(text: string): RuleProblem[] {
  const result = parseRule(text, glossary);
  if (result.ok) throw new Error(`expected problems with: ${text}`);
  return result.problems;
}

/** The one problem of `text`, with the text it points at. */
function onlyProblem(text: string): RuleProblem & { marked: string } {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  const problem = problems[0]!;
  return { ...problem, marked: text.slice(problem.offset, problem.offset + problem.length) };
}

describe('problems and where they are', () => {
  it('names the closest glossary phrase for an unknown term', () => {
    const problem = onlyProblem('When the temprature of shelf B12 is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.');
    expect(problem).toMatchObject({ code: 'UNKNOWN_TERM', line: 1, col: 10, marked: 'temprature of shelf B12' });
    expect(problem.message).toBe('unknown term "temprature of shelf B12"; did you mean "temperature of shelf {shelf}"?');
  });

  it('names the closest Chinese phrase for an unknown Chinese term', () => {
    const problem = onlyProblem('当B12货位温渡不在2到8℃之间持续5分钟时，阻止上架并通知质检');
    expect(problem).toMatchObject({ code: 'UNKNOWN_TERM', line: 1, col: 2, marked: 'B12货位温渡' });
    expect(problem.message).toBe('unknown term "B12货位温渡"; did you mean "{shelf}货位温度"?');
  });

  it('says what comparison it expected and what it found', () => {
    const problem = onlyProblem('When weld gun G1 weld count approaches 1247, alert QA.');
    expect(problem).toMatchObject({ code: 'SYNTAX', line: 1, col: 29, marked: 'approaches' });
    expect(problem.message).toBe('expected a comparison such as "reaches", "is at least" or "is between" after "weld gun G1 weld count", found "approaches"');
  });

  it('reports an unknown item with a suggestion, on the quoted name', () => {
    const problem = onlyProblem('When weld gun G1 weld count reaches 1247, request spare part "electrode cup".');
    expect(problem).toMatchObject({ code: 'UNKNOWN_NAME', col: 62, marked: '"electrode cup"' });
    expect(problem.message).toBe('unknown spare part "electrode cup"; did you mean "electrode cap"?');
  });

  it('reports unknown roles, flows and recommendations in both languages', () => {
    expect(onlyProblem('When the temperature of shelf B12 exceeds 8 °C, alert QAA.')).toMatchObject({ code: 'UNKNOWN_NAME', marked: 'QAA', message: 'unknown role "QAA"; did you mean "QA"?' });
    expect(onlyProblem('当B12货位温度超过8℃时，启动审批"回炉子"')).toMatchObject({ code: 'UNKNOWN_NAME', marked: '"回炉子"', message: 'unknown approval flow "回炉子"; did you mean "回炉"?' });
    expect(onlyProblem('当B12货位温度超过8℃时，建议"xyz"').message).toBe('unknown recommendation "xyz"; expected one of "优先发货", "更换镶件"');
  });

  it('reports a parameter value that does not match its pattern', () => {
    const problem = onlyProblem('When the temperature of shelf B99 exceeds 8 °C, alert QA.');
    expect(problem).toMatchObject({ code: 'BAD_PARAMETER', line: 1, col: 31, marked: 'B99' });
    expect(problem.message).toBe('shelf "B99" does not match B1[0-7] (cold-room shelf); write a shelf such as B10');
    expect(onlyProblem('当B12货位温度超过8℃时，预留工位X1')).toMatchObject({ code: 'BAD_PARAMETER', marked: 'X1' });
    expect(onlyProblem('When the temperature of shelf B12 exceeds 8 °C, block put-away at A1.')).toMatchObject({ code: 'BAD_PARAMETER', marked: 'A1' });
  });

  it('reports a parameter it cannot infer, naming the fix', () => {
    const problem = onlyProblem('When sheet thickness is at least 1.8 mm, alert QA.');
    expect(problem).toMatchObject({ code: 'BAD_PARAMETER', col: 6, marked: 'sheet thickness' });
    expect(problem.message).toBe('cannot tell which gun "sheet thickness" means: no other term of the rule names a gun; say which gun: sheet thickness of weld gun G1');
    const zh = onlyProblem('当板材厚度不小于1.8mm时，通知质检');
    expect(zh.message).toMatch(/say which gun: 焊枪G1板材厚度$/);
  });

  it('reports a parameter two terms give different values', () => {
    const problem = onlyProblem('When weld gun G1 weld count reaches 5 and weld gun G2 weld count reaches 5 and sheet thickness exceeds 3 mm, alert QA.');
    expect(problem).toMatchObject({ code: 'BAD_PARAMETER', marked: 'sheet thickness' });
    expect(problem.message).toContain('"G1" and "G2"');
  });

  it('reports a bare block when the rule names no location or two of them', () => {
    expect(onlyProblem('When weld gun G1 weld count reaches 5, block put-away.')).toMatchObject({ code: 'BAD_PARAMETER', marked: 'block put-away' });
    const two = onlyProblem('When the temperature of shelf B12 exceeds 8 °C and the humidity of shelf B13 exceeds 50 %RH, block put-away.');
    expect(two.message).toBe('cannot tell where to block "put-away": the condition names "B12" and "B13"; say where: block put-away at B12');
  });

  it('reports an unterminated quote at its opening quote', () => {
    const text = 'When the temperature of shelf B12 exceeds 8 °C, alert QA "door open.';
    expect(onlyProblem(text)).toMatchObject({ code: 'SYNTAX', line: 1, col: text.indexOf('"') + 1, length: 1, message: 'expected a closing " for the quote opened here, found the end of the text' });
    const zh = '当B12货位温度超过8℃时，申领备件“电极帽';
    expect(onlyProblem(zh)).toMatchObject({ col: zh.indexOf('“') + 1, message: 'expected a closing ” for the quote opened here, found the end of the text' });
  });

  it('reports a missing comma and a missing 时', () => {
    expect(onlyProblem('When the temperature of shelf B12 exceeds 8 °C alert QA.')).toMatchObject({
      code: 'SYNTAX', col: 48, marked: 'alert', message: 'expected "," after the condition "the temperature of shelf B12 exceeds 8 °C", found "alert"',
    });
    expect(onlyProblem('当B12货位温度超过8℃，通知质检')).toMatchObject({
      code: 'SYNTAX', col: 13, marked: '，', message: 'expected "时" after the condition "B12货位温度超过8℃", found "，"',
    });
  });

  it('reports an empty text', () => {
    expect(onlyProblem('')).toMatchObject({ code: 'SYNTAX', line: 1, col: 1, offset: 0, message: 'expected a rule such as "When <condition>, <action>.", found an empty text' });
    expect(onlyProblem(' \n ')).toMatchObject({ code: 'SYNTAX', line: 1, col: 1 });
  });

  it('reports the end of the text where more was expected, on the next line', () => {
    const text = 'When the temperature of shelf B12 exceeds 8 °C,\n';
    expect(onlyProblem(text)).toMatchObject({ code: 'SYNTAX', line: 2, col: 1, offset: text.length, length: 0, message: expect.stringMatching(/^expected an action: .*, found the end of the text$/) });
  });

  it('reports an unclosed parenthesis, naming where it opened', () => {
    expect(onlyProblem('When (the temperature of shelf B12 exceeds 8 °C, alert QA.').message).toBe('expected ")" to close the "(" at 1:6, found ","');
  });

  it('reports text after the full stop', () => {
    expect(onlyProblem('When the temperature of shelf B12 exceeds 8 °C, alert QA. Then more.')).toMatchObject({ marked: 'Then', message: 'expected the end of the rule after its full stop, found "Then"' });
  });

  it('reports every unknown term and name of a rule at once, in text order', () => {
    const problems = problemsOf('When the temprature of shelf B12 exceeds 8 °C and the humdity of shelf B12 exceeds 50 %RH, alert QAA and recommend "ship frist".');
    expect(problems.map((p) => p.code)).toEqual(['UNKNOWN_TERM', 'UNKNOWN_TERM', 'UNKNOWN_NAME', 'UNKNOWN_NAME']);
    expect(problems.map((p) => p.offset)).toEqual([...problems.map((p) => p.offset)].sort((a, b) => a - b));
  });

  it('refuses nesting deeper than the parser allows, without overflowing the stack', () => {
    const text = `When ${'('.repeat(5000)}the temperature of shelf B12 exceeds 8 °C${')'.repeat(5000)}, alert QA.`;
    const problems = problemsOf(text);
    expect(problems[0]!.message).toMatch(/^expected at most \d+ levels of parentheses/);
  });
});
