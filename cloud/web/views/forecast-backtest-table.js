// The latest backtest as a comparison table: every model's pooled MAPE, WAPE and MASE over the
// same folds, and its WAPE against seasonal naive, the baseline a model has to beat to be worth
// anything (half the M5 teams did not). The champion (lowest WAPE) is marked in words and colour,
// and each demand class names its own champion.
import { el } from './dom.js';
import { formatImprovement, formatInstant, formatPct, formatRatio } from './forecast-format.js';

const HEAD = ['Model', 'MAPE', 'WAPE', 'MASE', 'WAPE vs seasonal naive'];

/** @param {HTMLElement} root @param {object | null} backtest GET /api/forecasting/backtest, null: none yet */
export function renderBacktest(root, backtest) {
  if (backtest === null) {
    root.replaceChildren(el('p', { class: 'hint', id: 'forecast-backtest-none', text: 'No backtest yet: start one to compare the models on the same folds.' }));
    return;
  }
  const models = backtest.models ?? Object.keys(backtest.pooled ?? {});
  const rows = models.map((model) => {
    const metrics = backtest.pooled?.[model] ?? {};
    const champion = model === backtest.champion;
    const improvement = backtest.vsSeasonalNaive?.[model];
    return el('tr', { dataset: { model }, class: champion ? 'is-champion' : null },
      el('th', { scope: 'row' }, el('span', { text: model }), champion ? el('span', { class: 'forecast-champion', text: ' ★ champion' }) : null),
      el('td', { class: 'num', dataset: { metric: 'mape' }, text: formatPct(metrics.mape) }),
      el('td', { class: 'num', dataset: { metric: 'wape' }, text: formatPct(metrics.wape) }),
      el('td', { class: 'num', dataset: { metric: 'mase' }, text: formatRatio(metrics.mase) }),
      el('td', { class: `num${improvement > 0 ? ' is-better' : improvement < 0 ? ' is-worse' : ''}`, dataset: { metric: 'vs-snaive' }, text: model === 'snaive' ? 'baseline' : formatImprovement(improvement) }));
  });
  const classes = (backtest.classes ?? []).filter((c) => c && c.demandClass);
  root.replaceChildren(
    el('p', { class: 'hint', text: `Made ${formatInstant(backtest.madeAt)}: ${backtest.folds} folds of ${backtest.horizonDays} days; every model forecasts the same days from the same history.` }),
    el('table', { class: 'readings forecast-backtest', id: 'forecast-backtest-table' },
      el('thead', {}, el('tr', {}, ...HEAD.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, ...rows)),
    classes.length === 0 ? null : el('ul', { class: 'forecast-classes', id: 'forecast-classes' }, ...classes.map((c) => el('li', { dataset: { demandClass: c.demandClass } },
      el('strong', { text: c.demandClass }),
      ` (${c.seriesCount ?? (typeof c.series === 'number' ? c.series : c.series?.length ?? 0)} series): champion ${c.champion ?? '— none'}${c.champion && c.metrics?.[c.champion]?.wape != null ? `, WAPE ${formatPct(c.metrics[c.champion].wape)}` : ''}`))));
}
