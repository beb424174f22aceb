import { describe, expect, it } from 'vitest';
import { withoutPositions, type Action } from '../ast.ts';
import { parseRule } from './parse-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

function actionsOf(sentence: string): Action[] {
  const result = parseRule(sentence, glossary);
  if (!result.ok) throw new Error(`${sentence}\n${result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  return withoutPositions(result.ast.actions);
}
const en = (actions: string) => actionsOf(`When the temperature of shelf B12 exceeds 8 °C, ${actions}.`);
const zh = (actions: string) => actionsOf(`当B12货位温度超过8℃时，${actions}`);

describe('every action form', () => {
  it.each<[string, string, Action]>([
    ['alert QA', '通知质检', { kind: 'alert', role: 'qa' }],
    ['alert quality assurance', '通知质量部', { kind: 'alert', role: 'qa' }],
    ['alert the tool room', '通知模具车间', { kind: 'alert', role: 'tooling' }],
    ['alert maintenance "cap worn"', '通知维修"cap worn"', { kind: 'alert', role: 'maintenance', message: 'cap worn' }],
    ['alert maintenance “电极帽磨损”', '通知维修「电极帽磨损」', { kind: 'alert', role: 'maintenance', message: '电极帽磨损' }],
    ['block put-away at B12', '阻止B12上架', { kind: 'block', operation: 'put-away', location: 'B12' }],
    ['block picking at B13', '在B13阻止拣货', { kind: 'block', operation: 'picking', location: 'B13' }],
    ['block put-away', '阻止上架', { kind: 'block', operation: 'put-away', location: 'B12' }],
    ['request spare part "electrode cap"', '申领备件"电极帽"', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }],
    ['request 2 spare parts "electrode caps"', '申领2个备件“电极帽”', { kind: 'requestSparePart', item: 'electrode-cap', quantity: 2 }],
    ['request spare part "Mold Insert"', '申领备件「模具镶件」', { kind: 'requestSparePart', item: 'mold-insert', quantity: 1 }],
    ['reserve station W3', '预留工位W3', { kind: 'reserve', station: 'W3' }],
    ['start approval "re-melt"', '启动审批"回炉"', { kind: 'startApproval', flow: 're-melt' }],
    ['start approval "remelt"', '发起审批"回炉"', { kind: 'startApproval', flow: 're-melt' }],
    ['recommend "ship first"', '建议"优先发货"', { kind: 'recommend', recommendation: 'ship-first' }],
    ['set setpoint of shelf B12 to 4 °C', '将B12货位设定温度设为4℃', { kind: 'writeTag', target: { kind: 'term', term: 'shelf-setpoint', args: { shelf: 'B12' } }, value: { kind: 'quantity', value: 4, unit: '°C' } }],
    ['set cap life of weld gun G1 to 0', '把焊枪G1电极帽寿命设为0', { kind: 'writeTag', target: { kind: 'term', term: 'cap-life', args: { gun: 'G1' } }, value: { kind: 'quantity', value: 0 } }],
  ])('reads "%s" and "%s"', (english, chinese, expected) => {
    expect(en(english)).toEqual([expected]);
    expect(zh(chinese)).toEqual([expected]);
  });

  it('reads lists of actions with commas, "and", 、 and 并', () => {
    const expected: Action[] = [{ kind: 'alert', role: 'qa' }, { kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'recommend', recommendation: 'ship-first' }];
    expect(en('alert QA, block put-away and recommend "ship first"')).toEqual(expected);
    expect(en('alert QA, block put-away, and recommend "ship first"')).toEqual(expected);
    expect(zh('通知质检、阻止上架并建议"优先发货"')).toEqual(expected);
    expect(zh('通知质检，阻止上架，建议"优先发货"。')).toEqual(expected);
  });

  it('keeps an alert message exactly as written', () => {
    expect(en('alert QA "  B12: 9.5 °C, door open!  "')).toEqual([{ kind: 'alert', role: 'qa', message: '  B12: 9.5 °C, door open!  ' }]);
  });

  it('takes the location of a bare block from the only location the rule names', () => {
    expect(actionsOf('When the temperature of shelf B13 exceeds 8 °C, block picking.')).toEqual([{ kind: 'block', operation: 'picking', location: 'B13' }]);
  });
});
