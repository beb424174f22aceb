/**
 * The grammar's own words. English keywords are ordinary words to the lexer; the parser knows
 * them by this set, and a phrase (a term or a name written in words) ends at the first of them.
 * Chinese has no spaces, so the lexer itself cuts these keywords out of the text, longest first
 * (不小于 before 不, 减去 before 减), after glossary phrases and names have had their chance.
 */

export const enKeywords: ReadonlySet<string> = new Set([
  'when', 'and', 'or', 'not', 'is', 'has', 'reaches', 'exceeds', 'equals', 'starts', 'stops', 'becomes',
  'for', 'on', 'consecutive', 'plus', 'minus', 'times', 'divided', 'by', 'to', 'at', 'between', 'outside',
  'alert', 'block', 'request', 'reserve', 'start', 'set', 'recommend',
  'above', 'below', 'least', 'most', 'more', 'less', 'fewer', 'greater', 'than',
]);

export const zhKeywords: readonly string[] = [
  '当', '时', '或', '且', '并且', '而且', '非', '并非', '并',
  '达到', '不小于', '不低于', '至少为', '至少', '超过', '大于', '高于', '低于', '小于', '少于', '不足',
  '不大于', '不超过', '不高于', '至多', '等于', '为', '不等于', '不为',
  '在', '到', '至', '之间', '介于', '和', '不在', '超出',
  '为真', '为假', '真', '假', '处于', '状态', '开始', '停止', '变为', '持续', '连续',
  '加', '减去', '减', '乘以', '除以',
  '通知', '阻止', '申领', '备件', '预留', '工位', '启动', '发起', '审批', '将', '把', '设为', '建议',
].sort((a, b) => b.length - a.length);
