// A gateway's configuration versions, newest first: who pushed what and when, what changed
// (the server's diff), whether the gateway applied it, and a roll back to any earlier version
// (which pushes that version's connectors again, as a new version).
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { listVersions, rollBack } from './gateway-client.js';

const OPS = {
  add: { symbol: '+', text: 'added' },
  remove: { symbol: '−', text: 'removed' },
  change: { symbol: '~', text: 'changed' },
};

const LONGEST_VALUE = 240;

/** A diff value as short JSON; long ones are cut (the full value is in the tooltip). */
function shortJson(value) {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE)}…` : text;
}

function diffTable(diff) {
  if (!diff?.length) return el('p', { class: 'hint', text: 'No change to the connectors.' });
  return el('table', { class: 'readings diff' },
    el('thead', {}, el('tr', {}, el('th', { text: '' }), el('th', { text: 'Path' }), el('th', { text: 'Before' }), el('th', { text: 'After' }))),
    el('tbody', {}, ...diff.map((change) => el('tr', { dataset: { op: change.op } },
      el('td', { class: 'diff-op', title: OPS[change.op]?.text ?? change.op, text: OPS[change.op]?.symbol ?? change.op }),
      el('td', {}, el('code', { text: change.path })),
      el('td', { class: 'diff-before', title: JSON.stringify(change.before) ?? '', text: shortJson(change.before) }),
      el('td', { class: 'diff-after', title: JSON.stringify(change.after) ?? '', text: shortJson(change.after) })))));
}

/**
 * Fills `container` with the version history.
 * @param {HTMLElement} container
 * @param {{ gateway: object, currentVersion: number, canManage: boolean, onRolledBack: (answer: object) => void }} options
 */
export async function showHistory(container, { gateway, currentVersion, canManage, onRolledBack }) {
  const status = el('p', { class: 'hint', role: 'status', text: 'Loading the history…' });
  container.replaceChildren(el('h3', { text: 'Version history' }), status);
  const answer = await listVersions(gateway);
  if (!answer.ok) return setText(status, `Cannot load the history: ${answer.message}`);
  const versions = answer.body.versions ?? [];
  setText(status, versions.length ? `${versions.length} version${versions.length === 1 ? '' : 's'}, newest first.` : 'No version pushed from here yet.');

  for (const version of versions) {
    const actions = el('span', { class: 'version-actions' });
    if (canManage && version.version !== currentVersion) {
      const button = el('button', { type: 'button', class: 'small', text: 'Roll back to this version', dataset: { action: 'rollback' } });
      button.addEventListener('click', () => confirmRollback(actions, version.version));
      actions.append(button);
    }
    container.append(el('article', { class: 'version', dataset: { version: String(version.version), status: version.status ?? '' } },
      el('header', { class: 'version-head' },
        el('strong', { text: `v${version.version}` }),
        el('span', { text: formatTime(typeof version.createdAt === 'number' ? version.createdAt : Date.parse(version.createdAt)) }),
        el('span', { text: version.author ?? '' }),
        el('span', { class: `status-badge status-${version.status}`, text: version.status ?? '' }),
        version.version === currentVersion ? el('span', { class: 'status-badge', text: 'current' }) : null,
        actions),
      version.comment ? el('p', { class: 'version-comment', text: version.comment }) : null,
      diffTable(version.diff)));
  }

  function confirmRollback(actions, toVersion) {
    const note = el('span', { text: `Push v${toVersion}'s connectors to the gateway as a new version?` });
    const yes = el('button', { type: 'button', class: 'small primary', text: `Roll back to v${toVersion}`, dataset: { action: 'confirm-rollback' } });
    const no = el('button', { type: 'button', class: 'small', text: 'Cancel' });
    no.addEventListener('click', () => showHistory(container, { gateway, currentVersion, canManage, onRolledBack }));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      setText(note, 'Rolling back…');
      const result = await rollBack(gateway, toVersion);
      if (!result.ok) {
        yes.disabled = false;
        return setText(note, `Not rolled back: ${result.message}`);
      }
      onRolledBack(result.body);
    });
    actions.replaceChildren(note, yes, no);
  }
}
