/** Turns a child's pino JSON line into one readable line for the demo's console. */
const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const skipped = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

export function prettyLogLine(source: string, line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${source.padEnd(9)} ${line}`;
  }
  if (typeof record !== 'object' || record === null) return `${source.padEnd(9)} ${line}`;
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const level = levels[record.level as number] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([k]) => !skipped.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${source.padEnd(9)} ${level} ${String(record.msg ?? '')}${fields ? `  ${fields}` : ''}`;
}
