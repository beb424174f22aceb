// The forecast days of one series, each explained: the model's baseline times every factor that
// applies that day (with the reason the factor gives) equals the forecast, beside its 80%
// interval. The same numbers the plot draws, so a planner can check the plot's arithmetic.
import { el } from './dom.js';
import { formatFactor, formatQty } from './forecast-format.js';

const HEAD = ['Day', 'Baseline', 'Factors', 'Forecast', '80% interval', 'Baseline x factors = forecast'];

/** `12.4 x 0.85 x 1.2 = 12.6`, or `12.4 = 12.4` without factors. */
export function equationOf(day) {
  const factors = day.factors.map((f) => ` ${formatFactor(f.value)}`).join('');
  return `${formatQty(day.baseline)}${factors} = ${formatQty(day.forecast)}`;
}

/** @param {HTMLElement} root @param {object | null} forecast a SeriesForecast */
export function renderDecomposition(root, forecast) {
  if (forecast === null) {
    root.replaceChildren(el('p', { class: 'hint', text: 'No forecast days to explain yet.' }));
    return;
  }
  const rows = forecast.days.map((day) => el('tr', { dataset: { day: day.day, factors: String(day.factors.length) } },
    el('th', { scope: 'row', text: day.day }),
    el('td', { class: 'num forecast-baseline', text: formatQty(day.baseline) }),
    el('td', { class: 'forecast-factors-cell' }, day.factors.length === 0
      ? el('span', { class: 'muted', text: 'none' })
      : el('ul', { class: 'forecast-factor-list' }, ...day.factors.map((f) => el('li', { dataset: { factor: f.name } },
        el('strong', { text: `${f.name} ${formatFactor(f.value)}` }), el('span', { class: 'forecast-factor-why', text: ` ${f.why}` }))))),
    el('td', { class: 'num forecast-value', text: formatQty(day.forecast) }),
    el('td', { class: 'num forecast-interval', text: `${formatQty(day.lower)} – ${formatQty(day.upper)}` }),
    el('td', { class: 'forecast-equation', text: equationOf(day) })));
  root.replaceChildren(
    el('p', { class: 'hint', text: `${forecast.model} (${forecast.demandClass}): ${forecast.why.replace(/[.\s]*$/, '.')} Factor set ${forecast.factorVersion === null ? 'none published' : `version ${forecast.factorVersion}`}; forecast from ${forecast.from}.` }),
    el('table', { class: 'readings forecast-decomposition', id: 'forecast-decomposition' },
      el('thead', {}, el('tr', {}, ...HEAD.map((text) => el('th', { scope: 'col', text })))),
      el('tbody', {}, ...rows)));
}
