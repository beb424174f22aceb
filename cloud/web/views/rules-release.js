// Release of rule pack versions (docs/rule-release.md): every version with its stage, the steps
// it may take (shadow, grey, production) and rollback, each confirmed first and disabled with the
// reason when not allowed; and per gateway the desired against the reported versions.
import { el, setText } from './dom.js';
import { formatAge, formatTime } from './format.js';
import { getPack, listDeployments, listGateways, listPacks, promotePack, rollback, shadowPack } from './rules-client.js';
import { confirmRelease } from './rules-confirm.js';
import { productionLine } from './rules-production-line.js';
import { stageBadge } from './rules-stage.js';

const gatewayKey = (g) => `${g.group}/${g.edge}`;
const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What a release answer's deployments say, e.g. "2 gateways applied it, 1 pending". */
export function describeDeployments(deployments) {
  if (deployments.length === 0) return 'no gateway has reported yet; each gets it when it first reports';
  const counts = {};
  for (const d of deployments) counts[d.status] = (counts[d.status] ?? 0) + 1;
  const parts = [];
  if (counts.applied) parts.push(`${plural(counts.applied, 'gateway')} applied it`);
  if (counts.pending) parts.push(`${counts.pending} pending (sent again when the gateway next reports)`);
  if (counts.failed) parts.push(`${counts.failed} failed: ${deployments.filter((d) => d.status === 'failed').map((d) => `${gatewayKey(d)}: ${d.error}`).join('; ')}`);
  return parts.join(', ');
}

/**
 * @param {{ me: { permissions: string[] }, onOpen: (version: number) => void, onChanged: () => void }} options
 *   `onOpen`: show a version in the pack panel; `onChanged`: a release step changed stages.
 */
export function createReleasePanel({ me, onOpen, onChanged }) {
  const canGrey = me.permissions.includes('rules.release.grey');
  const canProduction = me.permissions.includes('rules.release.production.approve');
  const versionsBody = el('tbody', { id: 'rule-versions' });
  const deploymentsBody = el('tbody', { id: 'rule-deployments' });
  const rollbackButton = el('button', { type: 'button', id: 'rules-rollback', class: 'danger', text: 'Roll back production' });
  const rollbackReason = el('span', { class: 'release-reason', id: 'rules-rollback-reason' });
  const status = el('p', { class: 'hint release-status', id: 'release-status', role: 'status', 'aria-live': 'polite' });
  const element = el('div', { class: 'rules-release' },
    el('p', { class: 'actions' }, rollbackButton, rollbackReason), status,
    el('table', { class: 'readings rule-versions' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Version' }), el('th', { text: 'Stage' }), el('th', { text: 'Created' }), el('th', { class: 'num', text: 'Rules' }),
        el('th', { text: 'Examples' }), el('th', { text: 'Release' }))),
      versionsBody),
    el('h4', { text: 'Deployments per gateway' }),
    el('table', { class: 'readings rule-deployments' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Gateway' }), el('th', { text: 'Desired active / shadow' }), el('th', { text: 'Reported active / shadow' }),
        el('th', { text: 'Status' }), el('th', { text: 'Changed' }), el('th', { text: 'Reported' }))),
      deploymentsBody));

  let packs = [];
  let production = null;
  let deployments = [];
  let gateways = [];
  /** Production versions in turn, oldest first: a rollback brings back the one before the last. */
  let line = [];

  /** The reasons a step is not allowed for a version, '' when it is. */
  function reasonFor(step, pack) {
    if (step === 'shadow') {
      if (!canGrey) return 'Your role does not hold rules.release.grey.';
      if (pack.stage !== 'sandbox' && pack.stage !== 'shadow') return `A ${pack.stage} version is not shadowed; only sandbox and shadow versions are.`;
      return '';
    }
    if (step === 'grey' && !canGrey) return 'Your role does not hold rules.release.grey.';
    if (step === 'production' && !canProduction) return 'Only a plant engineer (rules.release.production.approve) approves production.';
    if (pack.stage === 'retired') return 'A retired version is not released again; save its rules as a new version.';
    if (pack.stage === 'production') return 'Already production.';
    if (!pack.examplesPassed) return `Its examples fail (${pack.examples.failed} of ${pack.examples.passed + pack.examples.failed}); fix the rules or examples and save a new version.`;
    if (step === 'grey' && knownGateways().length === 0) return 'No gateway has reported yet: grey needs at least one.';
    return '';
  }

  function knownGateways() {
    const all = new Map();
    for (const g of [...deployments, ...gateways]) all.set(gatewayKey(g), { group: g.group, edge: g.edge });
    return [...all.values()].sort((a, b) => gatewayKey(a).localeCompare(gatewayKey(b)));
  }

  const STEP_LABELS = { shadow: 'Shadow', grey: 'Grey', production: 'Production' };

  function renderVersions() {
    if (packs.length === 0) {
      versionsBody.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: 6, text: 'No version yet.' })));
      return;
    }
    versionsBody.replaceChildren(...packs.map((pack) => {
      const reasons = [];
      const buttons = ['shadow', 'grey', 'production'].map((step) => {
        const reason = reasonFor(step, pack);
        if (reason && !reasons.includes(reason)) reasons.push(reason);
        return el('button', {
          type: 'button', class: `small${step === 'production' ? ' primary' : ''}`, text: STEP_LABELS[step], disabled: reason !== '',
          title: reason || `${STEP_LABELS[step]}: version ${pack.version}`, dataset: { action: step },
          on: { click: () => release(step, pack) },
        });
      });
      const failed = pack.examples.failed;
      return el('tr', { dataset: { version: String(pack.version), stage: pack.stage } },
        el('td', {}, el('button', { type: 'button', class: 'link-button', text: `v${pack.version}`, title: 'Show its rules and examples', dataset: { action: 'open' }, on: { click: () => onOpen(pack.version) } })),
        el('td', {}, stageBadge(pack.stage)),
        el('td', { title: formatTime(pack.createdAt) }, `${pack.createdBy}, ${formatAge(Math.max(0, Date.now() - pack.createdAt))}`),
        el('td', { class: 'num', text: String(pack.rules) }),
        el('td', { class: failed ? 'is-alarm' : '', text: failed ? `✕ ${failed} of ${pack.examples.passed + failed} fail` : `✓ ${pack.examples.passed} pass` }),
        el('td', { class: 'release-actions' }, ...buttons,
          reasons.length && pack.stage !== 'retired' && pack.stage !== 'production' ? el('span', { class: 'release-reason', text: reasons.join(' ') }) : null));
    }));
  }

  function rollbackReasonText() {
    if (!canProduction) return 'Only a plant engineer (rules.release.production.approve) rolls back production.';
    if (production === null) return 'No version is in production.';
    if (line.length < 2) return `Version ${production} is the first production version; there is no earlier one to roll back to.`;
    return '';
  }

  function renderRollback() {
    const reason = rollbackReasonText();
    rollbackButton.disabled = reason !== '';
    rollbackButton.title = reason;
    setText(rollbackButton, line.length < 2 ? 'Roll back production' : `Roll back production v${line.at(-1)} → v${line.at(-2)}`);
    setText(rollbackReason, reason);
  }

  const versionText = (v) => (v === null || v === undefined ? '—' : `v${v}`);
  const refText = (ref) => (ref ? `${ref.pack} v${ref.version}` : '—');

  function renderDeployments() {
    if (deployments.length === 0) {
      deploymentsBody.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: 6, text: 'No gateway has been sent a rule pack yet.' })));
      return;
    }
    deploymentsBody.replaceChildren(...deployments.map((d) => el('tr', { dataset: { gateway: gatewayKey(d), status: d.status } },
      el('td', { class: 'gateway-name', text: `${d.group} / ${d.edge}` }),
      el('td', { text: `${versionText(d.activeVersion)} / ${versionText(d.shadowVersion)}` }),
      el('td', { class: d.inSync ? '' : 'is-warn', title: d.reportedAt ? `reported ${formatTime(d.reportedAt)}` : 'never reported',
        text: d.reported ? `${refText(d.reported.active)} / ${refText(d.reported.shadow)}` : 'not reported' }),
      el('td', {},
        el('span', { class: `status-badge status-${d.status}`, text: d.status }), ' ',
        el('span', { class: d.inSync ? 'in-sync' : 'out-of-sync', text: d.inSync ? '✓ in sync' : '≠ not yet what it reports' }),
        d.error ? el('div', { class: 'deployment-error', text: d.error }) : null),
      el('td', { title: formatTime(d.changedAt) }, `${d.changedBy}, ${formatAge(Math.max(0, Date.now() - d.changedAt))}`),
      el('td', { text: d.reportedAt ? formatAge(Math.max(0, Date.now() - d.reportedAt)) : '—' }))));
  }

  async function release(step, pack) {
    const known = knownGateways();
    const choice = await confirmRelease({
      shadow: () => ({
        title: `Shadow version ${pack.version}`, confirmLabel: 'Start shadow',
        text: `Version ${pack.version} runs beside the active version on the same values; what it would do is only logged, nothing is carried out. Compare the two under "Shadow comparison".`,
        gateways: { known, required: false },
      }),
      grey: () => ({
        title: `Grey release of version ${pack.version}`, confirmLabel: 'Release to grey',
        text: `Version ${pack.version} becomes active on the gateways you tick: its effects (requisitions, blocks, alerts) are carried out there. The other gateways keep running v${production ?? '—'}.`,
        gateways: { known, required: true, preselected: deployments.filter((d) => d.shadowVersion === pack.version).map(gatewayKey) },
      }),
      production: () => ({
        title: `Production release of version ${pack.version}`, confirmLabel: 'Approve production',
        text: `Version ${pack.version} becomes active on every gateway (${plural(known.length, 'known gateway')}), and on every gateway that reports later.${production !== null ? ` Version ${production} is retired; a rollback brings it back.` : ''}`,
      }),
    }[step]());
    if (!choice) return;
    setText(status, `${STEP_LABELS[step]} of version ${pack.version}: waiting for the gateways to answer…`);
    status.dataset.state = 'busy';
    const answer = step === 'shadow' ? await shadowPack(pack.version, choice.gateways) : await promotePack(pack.version, step, choice.gateways);
    report(answer, (body) => `Version ${body.version} is ${body.stage}: ${describeDeployments(body.deployments)}.`);
  }

  function report(answer, describe) {
    if (answer.ok) {
      setText(status, describe(answer.body));
      status.dataset.state = 'ok';
    } else {
      setText(status, `Not done: ${answer.message}`);
      status.dataset.state = 'error';
    }
    onChanged();
  }

  rollbackButton.addEventListener('click', async () => {
    if (rollbackReasonText()) return;
    const choice = await confirmRelease({
      title: `Roll back production v${line.at(-1)}`, confirmLabel: 'Roll back',
      text: `Version ${line.at(-2)}, production before v${line.at(-1)}, becomes production again on every gateway; v${line.at(-1)} is retired.`,
    });
    if (!choice) return;
    setText(status, 'Rolling back: waiting for the gateways to answer…');
    status.dataset.state = 'busy';
    report(await rollback(), (body) => `Rolled back: version ${body.version} is ${body.stage} again, v${body.retired} is retired; ${describeDeployments(body.deployments)}.`);
  });

  return {
    element,
    get packs() { return packs; },
    get production() { return production; },
    /** Reloads versions, deployments and the known gateways. */
    async refresh() {
      const [packAnswer, deploymentAnswer, gatewayAnswer] = await Promise.all([listPacks(), listDeployments(), listGateways()]);
      if (!packAnswer.ok) {
        setText(status, `Cannot load the versions: ${packAnswer.message}`);
        status.dataset.state = 'error';
        return;
      }
      packs = packAnswer.body.packs;
      production = packAnswer.body.production;
      deployments = deploymentAnswer.ok ? deploymentAnswer.body.deployments : [];
      // without telemetry.read the gateway list is refused: the deployments still name the gateways
      gateways = gatewayAnswer.ok ? gatewayAnswer.body.gateways ?? [] : [];
      // only production and retired versions can be on the production line: their histories say the order
      const details = await Promise.all(packs.filter((p) => p.stage === 'production' || p.stage === 'retired').map((p) => getPack(p.version)));
      line = productionLine(details.flatMap((d) => (d.ok ? d.body.history ?? [] : [])));
      renderVersions();
      renderRollback();
      renderDeployments();
    },
  };
}
