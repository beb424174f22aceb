// Which version a rollback brings back: the production line as the cloud follows it
// (cloud/rules/rule-release.ts): every version made production in turn, each rollback taking the
// last one off. Rebuilt here from the versions' stage histories so the Rollback button can name
// its target, or say why there is none, before anyone presses it.

/**
 * @param {Array<{ version: number, action: string, to: string, at: number }>} changes stage
 *   changes of any versions (duplicates allowed), in any order
 * @returns {number[]} production versions, oldest first; the last is the current one
 */
export function productionLine(changes) {
  const seen = new Set();
  const ordered = changes
    .filter((c) => {
      const key = `${c.version}|${c.action}|${c.to}|${c.at}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.at - b.at);
  const line = [];
  for (const change of ordered) {
    if (change.to === 'production' && (change.action === 'seed' || change.action === 'production')) line.push(change.version);
    if (change.action === 'rollback' && change.to === 'retired' && line.at(-1) === change.version) line.pop();
  }
  return line;
}
