// Shadow comparison: per rule, how often the active version fired (live) against how often the
// shadow candidate would have, since the shadow started (GET /api/rules/packs/:version/
// shadow-comparison), as a table and a bar chart, so a planner sees at a glance where the
// candidate differs. The chart is uPlot, loaded by admin.html for the telemetry screen.
import { el, setText } from './dom.js';
import { formatTime } from './format.js';
import { describeEffect } from './rules-examples.js';
import { shadowComparison } from './rules-client.js';

const LIVE_COLOUR = '#64748b';
const SHADOW_COLOUR = '#2563eb';

export function createShadowPanel() {
  const picker = el('select', { id: 'shadow-version', 'aria-label': 'Version to compare' });
  const summary = el('p', { class: 'hint', id: 'shadow-summary', role: 'status' });
  const chart = el('div', { class: 'chart shadow-chart', id: 'shadow-chart' });
  const chartNote = el('p', { class: 'chart-note', hidden: true });
  const body = el('tbody', { id: 'shadow-rows' });
  const element = el('div', { class: 'rules-shadow' },
    el('label', { class: 'field field-short' }, el('span', { class: 'field-name', text: 'Candidate version' }), picker),
    summary,
    el('div', { class: 'chart-frame shadow-chart-frame' }, chart, chartNote),
    el('table', { class: 'readings shadow-table' },
      el('thead', {}, el('tr', {}, el('th', { text: 'Rule' }), el('th', { class: 'num', text: 'Live firings' }), el('th', { class: 'num', text: 'Shadow firings' }),
        el('th', { class: 'num', text: 'Difference' }), el('th', { text: 'Latest' }))),
      body));
  let plot = null;
  /** Once the planner picks a version, a refresh keeps it; until then the newest shadow is shown. */
  let picked = false;

  function drawChart(rules) {
    plot?.destroy();
    plot = null;
    const { uPlot } = globalThis;
    if (rules.length === 0 || !uPlot) {
      chartNote.hidden = false;
      setText(chartNote, rules.length === 0 ? 'No rules to compare.' : 'The chart library did not load; the table below has the figures.');
      return;
    }
    chartNote.hidden = true;
    const xs = rules.map((_, i) => i);
    const names = rules.map((r) => r.rule);
    const bars = (align) => uPlot.paths.bars({ size: [0.35, 60], align });
    plot = new uPlot({
      width: Math.max(320, chart.clientWidth || 640), height: 200,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [-0.6, rules.length - 0.4] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        { splits: () => xs, values: (u, splits) => splits.map((i) => names[i] ?? ''), gap: 4, size: 40 },
        { label: 'firings', size: 50 },
      ],
      series: [
        { label: 'rule', value: (u, i) => names[i] ?? '' },
        { label: 'live (active version)', stroke: LIVE_COLOUR, fill: `${LIVE_COLOUR}cc`, paths: bars(-1), points: { show: false } },
        { label: 'shadow (candidate)', stroke: SHADOW_COLOUR, fill: `${SHADOW_COLOUR}cc`, paths: bars(1), points: { show: false } },
      ],
    }, [xs, rules.map((r) => r.live.count), rules.map((r) => r.shadow.count)], chart);
  }

  const latestList = (side, label) => el('div', { class: 'shadow-latest' },
    el('span', { class: 'muted', text: `${label}: ` }),
    side.latest.length === 0 ? el('span', { class: 'muted', text: 'none' }) : el('ul', {}, ...side.latest.map((f) =>
      el('li', { text: `${formatTime(f.at)} ${f.group}/${f.edge} v${f.version}: ${describeEffect(f.effect)}` }))));

  function render(comparison) {
    const rules = comparison.rules;
    if (comparison.since === null) {
      setText(summary, `Version ${comparison.version} has never run in shadow: start a shadow under Release to compare it with the active version.`);
    } else {
      const differing = rules.filter((r) => r.live.count !== r.shadow.count).length;
      setText(summary, `Since ${formatTime(comparison.since)} on ${comparison.gateways.map((g) => `${g.group}/${g.edge}`).join(', ') || 'no gateway'}, against active `
        + `${comparison.activeVersions.map((v) => `v${v}`).join(', ') || '—'}: ${differing === 0 ? 'every rule fired as often as live' : `${differing} rule${differing === 1 ? '' : 's'} differ`}.`);
    }
    body.replaceChildren(...(rules.length === 0
      ? [el('tr', {}, el('td', { class: 'empty', colspan: 5, text: 'No rules.' }))]
      : rules.map((r) => {
        const difference = r.shadow.count - r.live.count;
        return el('tr', { dataset: { rule: r.rule }, class: difference !== 0 ? 'is-different' : '' },
          el('td', {}, el('code', { text: r.rule })),
          el('td', { class: 'num', dataset: { field: 'live' }, text: String(r.live.count) }),
          el('td', { class: 'num', dataset: { field: 'shadow' }, text: String(r.shadow.count) }),
          el('td', { class: `num${difference !== 0 ? ' is-warn' : ''}`, dataset: { field: 'difference' }, text: difference > 0 ? `+${difference}` : String(difference) }),
          el('td', {}, el('details', {}, el('summary', { text: 'firings' }), latestList(r.live, 'live'), latestList(r.shadow, 'shadow'))));
      })));
    drawChart(rules);
  }

  async function load() {
    const version = Number(picker.value);
    if (!version) return;
    const answer = await shadowComparison(version);
    if (!answer.ok) {
      setText(summary, `Cannot load the comparison: ${answer.message}`);
      return;
    }
    render(answer.body);
  }

  picker.addEventListener('change', () => { picked = true; load(); });

  return {
    element,
    /** Lists the versions to compare; picks the newest in shadow (else grey, else the newest) unless the planner picked one. */
    async setVersions(packs) {
      const before = picker.value;
      picker.replaceChildren(...packs.map((p) => el('option', { value: String(p.version), text: `v${p.version} (${p.stage})` })));
      const shadowed = packs.find((p) => p.stage === 'shadow') ?? packs.find((p) => p.stage === 'grey') ?? packs[0];
      if (picked && packs.some((p) => String(p.version) === before)) picker.value = before;
      else if (shadowed) picker.value = String(shadowed.version);
      if (packs.length === 0) {
        setText(summary, 'No version to compare yet.');
        return;
      }
      await load();
    },
  };
}
