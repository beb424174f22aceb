import { describe, expect, it } from 'vitest';
import { AST_VERSION, type Action, type Condition, type Expr, type Quantity, type RuleAst, type TermRef } from '../ast.ts';
import { renderCondition, renderExpr, renderRule } from './render-rule.ts';
import { demoGlossary } from '../testing/demo-glossary.ts';

const glossary = demoGlossary();

const term = (id: string, args: Record<string, string> = {}): TermRef => ({ kind: 'term', term: id, args });
const q = (value: number, unit?: string): Quantity => (unit === undefined ? { kind: 'quantity', value } : { kind: 'quantity', value, unit });
const rule = (condition: Condition, actions: Action[]): RuleAst => ({ astVersion: AST_VERSION, condition, actions });
const both = (ast: RuleAst) => ({ en: renderRule(ast, glossary, 'en'), zh: renderRule(ast, glossary, 'zh') });

const shelfTemperature = term('shelf-temperature', { shelf: 'B12' });
const outside2to8 = { kind: 'range', outside: true, value: shelfTemperature, low: q(2, '°C'), high: q(8, '°C') } as const;

describe('renderRule on the library rules', () => {
  it('writes the electrode-cap rule with the inferred gun spelled out', () => {
    const ast = rule(
      { kind: 'and', items: [
        { kind: 'compare', op: 'reaches', left: term('weld-count', { gun: 'G1' }), right: q(1247) },
        { kind: 'compare', op: 'atLeast', left: term('sheet-thickness', { gun: 'G1' }), right: q(1.8, 'mm') },
      ] },
      [{ kind: 'requestSparePart', item: 'electrode-cap', quantity: 1 }, { kind: 'reserve', station: 'W3' }],
    );
    expect(both(ast)).toEqual({
      en: 'When weld gun G1 weld count reaches 1247 and sheet thickness of weld gun G1 is at least 1.8 mm, request spare part "electrode cap" and reserve station W3.',
      zh: '当焊枪G1焊点数达到1247且焊枪G1板材厚度不小于1.8mm时，申领备件"电极帽"并预留工位W3',
    });
  });

  it('writes the cold-chain rule with one unit after the range and the block location', () => {
    const ast = rule({ kind: 'sustained', of: outside2to8, duration: q(5, 'min') },
      [{ kind: 'block', operation: 'put-away', location: 'B12' }, { kind: 'alert', role: 'qa' }]);
    expect(both(ast)).toEqual({
      en: 'When temperature of shelf B12 is outside 2 to 8 °C for 5 minutes, block put-away at B12 and alert QA.',
      zh: '当B12货位温度不在2到8℃之间持续5分钟时，阻止B12上架并通知质检',
    });
  });

  it('writes the cold-chain streak rule', () => {
    const ast = rule({ kind: 'streak', of: outside2to8, days: 3 }, [{ kind: 'alert', role: 'maintenance' }]);
    expect(both(ast)).toEqual({
      en: 'When temperature of shelf B12 is outside 2 to 8 °C on 3 consecutive days, alert maintenance.',
      zh: '当B12货位温度不在2到8℃之间连续3天时，通知维修',
    });
  });

  it('writes the insert-life rule with its arithmetic', () => {
    const ast = rule(
      { kind: 'compare', op: 'atMost', right: q(500), left: { kind: 'arithmetic', op: '-', left: term('insert-life', { machine: 'IMM-01' }), right: term('shot-count', { machine: 'IMM-01' }) } },
      [{ kind: 'alert', role: 'tooling' }, { kind: 'recommend', recommendation: 'replace-insert' }],
    );
    expect(both(ast)).toEqual({
      en: 'When insert life of machine IMM-01 minus shot count of machine IMM-01 is at most 500, alert tooling and recommend "replace insert".',
      zh: '当IMM-01镶件寿命减IMM-01注塑机模次不大于500时，通知模具并建议"更换镶件"',
    });
  });

  it('writes the remnant-weight rule', () => {
    const ast = rule({ kind: 'compare', op: 'exceeds', left: term('remnant-weight', { furnace: 'F1' }), right: q(15, 'kg') }, [{ kind: 'startApproval', flow: 're-melt' }]);
    expect(both(ast)).toEqual({
      en: 'When remnant weight of furnace F1 exceeds 15 kg, start approval "re-melt".',
      zh: '当F1熔炉余料重量超过15公斤时，启动审批"回炉"',
    });
  });

  it('writes the near-expiry rule with its term that has no parameter', () => {
    const ast = rule({ kind: 'compare', op: 'below', left: term('remaining-shelf-life'), right: q(60, 'd') }, [{ kind: 'recommend', recommendation: 'ship-first' }]);
    expect(both(ast)).toEqual({
      en: 'When remaining shelf life of the scanned batch is below 60 days, recommend "ship first".',
      zh: '当扫描批次的剩余保质期低于60天时，建议"优先发货"',
    });
  });
});

describe('renderCondition', () => {
  const en = (c: Condition) => renderCondition(c, glossary, 'en');
  const zh = (c: Condition) => renderCondition(c, glossary, 'zh');
  const cmp = (op: 'exceeds' | 'below', value: number): Condition => ({ kind: 'compare', op, left: shelfTemperature, right: q(value, '°C') });

  it('uses the first operator word of each row', () => {
    const ops = ['reaches', 'atLeast', 'exceeds', 'below', 'atMost', 'equals', 'differs'] as const;
    expect(ops.map((op) => en({ kind: 'compare', op, left: term('weld-count', { gun: 'G2' }), right: q(7) }))).toEqual([
      'weld gun G2 weld count reaches 7', 'weld gun G2 weld count is at least 7', 'weld gun G2 weld count exceeds 7',
      'weld gun G2 weld count is below 7', 'weld gun G2 weld count is at most 7', 'weld gun G2 weld count is 7', 'weld gun G2 weld count is not 7',
    ]);
    expect(ops.map((op) => zh({ kind: 'compare', op, left: term('weld-count', { gun: 'G2' }), right: q(7) }))).toEqual([
      '焊枪G2焊点数达到7', '焊枪G2焊点数不小于7', '焊枪G2焊点数超过7', '焊枪G2焊点数低于7', '焊枪G2焊点数不大于7', '焊枪G2焊点数等于7', '焊枪G2焊点数不等于7',
    ]);
  });

  it('parenthesises an or inside an and, but not an and inside an or', () => {
    const or: Condition = { kind: 'or', items: [cmp('exceeds', 8), cmp('below', 2)] };
    const door: Condition = { kind: 'is', value: term('shelf-door', { shelf: 'B12' }), expected: true };
    expect(en({ kind: 'and', items: [or, door] })).toBe('(temperature of shelf B12 exceeds 8 °C or temperature of shelf B12 is below 2 °C) and door of shelf B12 is open');
    expect(zh({ kind: 'and', items: [or, door] })).toBe('（B12货位温度超过8℃或B12货位温度低于2℃）且B12货位门打开');
    expect(en({ kind: 'or', items: [{ kind: 'and', items: [cmp('exceeds', 8), door] }, cmp('below', 2)] }))
      .toBe('temperature of shelf B12 exceeds 8 °C and door of shelf B12 is open or temperature of shelf B12 is below 2 °C');
  });

  it('keeps a nested and in parentheses so it does not flatten', () => {
    const inner: Condition = { kind: 'and', items: [cmp('exceeds', 8), cmp('below', 20)] };
    expect(en({ kind: 'and', items: [inner, cmp('below', 30)] })).toBe('(temperature of shelf B12 exceeds 8 °C and temperature of shelf B12 is below 20 °C) and temperature of shelf B12 is below 30 °C');
  });

  it('parenthesises a compound condition held for a time, not a single comparison', () => {
    const and: Condition = { kind: 'and', items: [cmp('exceeds', 8), cmp('below', 20)] };
    expect(en({ kind: 'sustained', of: and, duration: q(1, 'h') })).toBe('(temperature of shelf B12 exceeds 8 °C and temperature of shelf B12 is below 20 °C) for 1 hour');
    expect(zh({ kind: 'streak', of: cmp('exceeds', 8), days: 2 })).toBe('B12货位温度超过8℃连续2天');
    expect(en({ kind: 'not', of: and })).toBe('not (temperature of shelf B12 exceeds 8 °C and temperature of shelf B12 is below 20 °C)');
    expect(zh({ kind: 'not', of: cmp('exceeds', 8) })).toBe('非B12货位温度超过8℃');
  });

  it('writes boolean states with the term state words, true and false otherwise', () => {
    const door = term('shelf-door', { shelf: 'B11' });
    expect(en({ kind: 'is', value: door, expected: false })).toBe('door of shelf B11 is closed');
    expect(zh({ kind: 'is', value: door, expected: true })).toBe('B11货位门打开');
    expect(en({ kind: 'edge', edge: 'rising', of: { kind: 'is', value: term('machine-running', { machine: 'IMM-02' }), expected: true } })).toBe('machine IMM-02 starts');
    expect(zh({ kind: 'edge', edge: 'falling', of: { kind: 'is', value: term('machine-running', { machine: 'IMM-02' }), expected: true } })).toBe('IMM-02注塑机停止');
    expect(en({ kind: 'edge', edge: 'rising', of: { kind: 'is', value: door, expected: false } })).toBe('door of shelf B11 becomes closed');
  });

  it('writes a range with different units at each end in full', () => {
    expect(en({ kind: 'range', outside: false, value: shelfTemperature, low: q(35.6, '°F'), high: q(8, '°C') })).toBe('temperature of shelf B12 is between 35.6 °F and 8 °C');
    expect(zh({ kind: 'range', outside: false, value: shelfTemperature, low: q(2), high: q(8) })).toBe('B12货位温度在2到8之间');
  });
});

describe('renderExpr', () => {
  const en = (e: Expr) => renderExpr(e, glossary, 'en');
  const a = term('insert-life', { machine: 'IMM-01' });
  const b = term('shot-count', { machine: 'IMM-01' });

  it('parenthesises only where precedence and left associativity need it', () => {
    expect(en({ kind: 'arithmetic', op: '-', left: { kind: 'arithmetic', op: '-', left: a, right: b }, right: q(1) }))
      .toBe('insert life of machine IMM-01 minus shot count of machine IMM-01 minus 1');
    expect(en({ kind: 'arithmetic', op: '-', left: a, right: { kind: 'arithmetic', op: '-', left: b, right: q(1) } }))
      .toBe('insert life of machine IMM-01 minus (shot count of machine IMM-01 minus 1)');
    expect(en({ kind: 'arithmetic', op: '*', left: { kind: 'arithmetic', op: '+', left: a, right: b }, right: q(2) }))
      .toBe('(insert life of machine IMM-01 plus shot count of machine IMM-01) times 2');
    expect(renderExpr({ kind: 'arithmetic', op: '/', left: a, right: { kind: 'arithmetic', op: '*', left: b, right: q(2) } }, glossary, 'zh'))
      .toBe('IMM-01镶件寿命除以（IMM-01注塑机模次乘以2）');
  });

  it('writes numbers without exponents and with singular time units for one', () => {
    expect(en(q(0.0000001, 'mm'))).toBe('0.0000001 mm');
    expect(en(q(1, 'd'))).toBe('1 day');
    expect(en(q(-50, '°C'))).toBe('-50 °C');
  });
});

describe('renderRule actions', () => {
  const when: Condition = { kind: 'compare', op: 'exceeds', left: shelfTemperature, right: q(8, '°C') };
  it('writes every action kind in English and Chinese', () => {
    const ast = rule(when, [
      { kind: 'alert', role: 'maintenance', message: 'cap worn' },
      { kind: 'requestSparePart', item: 'mold-insert', quantity: 2 },
      { kind: 'writeTag', target: term('shelf-setpoint', { shelf: 'B12' }), value: q(4, '°C') },
      { kind: 'block', operation: 'picking', location: 'B13' },
    ]);
    expect(both(ast)).toEqual({
      en: 'When temperature of shelf B12 exceeds 8 °C, alert maintenance "cap worn", request 2 spare parts "mold insert", set setpoint of shelf B12 to 4 °C and block picking at B13.',
      zh: '当B12货位温度超过8℃时，通知维修"cap worn"，申领2个备件"模具镶件"，将B12货位设定温度设为4℃并阻止B13拣货',
    });
  });

  it('writes a message holding a straight quote in curly quotes', () => {
    expect(renderRule(rule(when, [{ kind: 'alert', role: 'qa', message: 'door "B" open' }]), glossary, 'en'))
      .toBe('When temperature of shelf B12 exceeds 8 °C, alert QA “door "B" open”.');
  });
});
