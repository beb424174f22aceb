// The shelves screen (inventory.read): a card per shelf with its latest temperature and humidity
// against its range, whether it is in alarm, the last 7 days with an excursion, operations rules
// block there, an open maintenance ticket and the lots stored on it with their expiry. A card
// opens the shelf's last 24 h as charts with the range as a band. Refreshed every 5 s.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { QUALITY_LABELS, formatAge, formatTime } from './format.js';
import {
  daysLeft, formatDaysLeft, formatRange, formatReading, itemLabel, lastDays, loadItemNames, outOfRange,
} from './inventory-format.js';
import { RangeChart } from './range-chart.js';

const REFRESH_MS = 5000;
const HISTORY_MS = 24 * 60 * 60_000;
const ALARM_DAYS_SHOWN = 7;

/** Alarm, in range, or nothing to tell (a shelf without a sensor reading). */
function shelfState(shelf) {
  if (shelf.alarm) return el('span', { class: 'quality q-bad', text: '✕ alarm' });
  if (!shelf.temperature && !shelf.humidity) return el('span', { class: 'quality q-stale', text: 'no reading' });
  return el('span', { class: 'quality q-good', text: '✓ in range' });
}

export async function startShelves() {
  const root = document.getElementById('shelves-root');
  const status = el('p', { class: 'hint', id: 'shelves-status', role: 'status', 'aria-live': 'polite' });
  const grid = el('div', { class: 'shelf-grid', id: 'shelf-cards' });
  const detail = el('section', { class: 'shelf-detail', id: 'shelf-detail', hidden: true, 'aria-live': 'polite' });
  root.replaceChildren(status, grid, detail);

  const items = await loadItemNames();
  let openCode = null;
  let charts = null;

  function measurement(label, reading, range, unit) {
    const alarm = outOfRange(reading, range);
    const quality = reading ? QUALITY_LABELS[reading.quality] : null;
    return el('div', { class: `shelf-reading${alarm ? ' is-alarm' : ''}`, dataset: { measure: label.toLowerCase() } },
      el('span', { class: 'shelf-reading-label', text: label }),
      el('span', { class: 'shelf-reading-value', text: formatReading(reading) }),
      el('span', { class: 'shelf-reading-range', text: range ? `range ${formatRange(range, unit)}` : 'no range set' }),
      reading ? el('span', { class: 'shelf-reading-age', text: `${quality.symbol} ${formatAge(Date.now() - reading.ts)}`, title: `${quality.text}, ${formatTime(reading.ts)}` })
        : el('span', { class: 'shelf-reading-age', text: 'no sensor reading' }));
  }

  function alarmDays(shelf) {
    const marked = new Set(shelf.alarmDays);
    return el('div', { class: 'alarm-days', role: 'list', 'aria-label': 'Alarm days, last 7 days' },
      ...lastDays(ALARM_DAYS_SHOWN, Date.now()).map((day) => el('span', {
        role: 'listitem', class: `alarm-day${marked.has(day) ? ' is-alarm' : ''}`, dataset: { day },
        title: `${day}: ${marked.has(day) ? 'a reading out of range' : 'in range'}`, text: day.slice(8),
      })));
  }

  function card(shelf) {
    const now = Date.now();
    const stock = shelf.stock.length === 0 ? el('p', { class: 'hint', text: 'Nothing stored here.' })
      : el('ul', { class: 'shelf-stock' }, ...shelf.stock.map((lot) => el('li', { dataset: { batch: lot.batch } },
        el('span', { text: `${itemLabel(items, lot.gtin)} · batch ${lot.batch} · qty ${lot.qty}` }),
        lot.expiry ? el('span', { class: `shelf-expiry${daysLeft(lot.expiry, now) < 0 ? ' is-alarm' : ''}`, text: ` · expires ${lot.expiry} (${formatDaysLeft(daysLeft(lot.expiry, now))})` }) : null)));
    const open = el('button', { type: 'button', class: 'shelf-open', 'aria-expanded': String(openCode === shelf.code), text: `${shelf.code}${shelf.name ? ` · ${shelf.name}` : ''}` });
    open.addEventListener('click', () => openShelf(shelf.code));
    return el('article', { class: `shelf-card${shelf.alarm ? ' is-alarm' : ''}${openCode === shelf.code ? ' is-open' : ''}`, dataset: { code: shelf.code, alarm: String(shelf.alarm) } },
      el('header', { class: 'shelf-head' },
        el('h3', {}, open),
        shelf.zone ? el('span', { class: 'shelf-zone', text: shelf.zone }) : null,
        shelfState(shelf)),
      measurement('Temperature', shelf.temperature, shelf.range.temperatureC, '°C'),
      measurement('Humidity', shelf.humidity, shelf.range.humidityPct, '%RH'),
      alarmDays(shelf),
      shelf.blocked.length ? el('p', { class: 'shelf-blocked', text: `Blocked by rules: ${shelf.blocked.join(', ')}` }) : null,
      shelf.openTicket ? el('p', { class: 'shelf-ticket', text: `Maintenance ticket #${shelf.openTicket.id} open since ${formatTime(shelf.openTicket.openedAt)}` }) : null,
      stock);
  }

  async function loadHistory() {
    const code = openCode;
    const to = Date.now();
    const from = to - HISTORY_MS;
    const outcome = apiOutcome(await api('GET', `/api/shelves/${encodeURIComponent(code)}/history?${new URLSearchParams({ from: String(from), to: String(to) })}`));
    if (code !== openCode) return;
    if (!outcome.ok) {
      setText(detail.querySelector('.shelf-detail-status'), `Cannot load the history: ${outcome.message}`);
      return;
    }
    const { temperature, humidity, range } = outcome.body;
    charts.temperature.update(temperature, range.temperatureC, [from, to]);
    charts.humidity.update(humidity, range.humidityPct, [from, to]);
    setText(detail.querySelector('.shelf-detail-status'), '');
  }

  function closeShelf() {
    charts?.temperature.destroy();
    charts?.humidity.destroy();
    charts = null;
    openCode = null;
    detail.hidden = true;
    detail.replaceChildren();
  }

  async function openShelf(code) {
    const again = openCode === code;
    closeShelf();
    if (again) return refresh();
    openCode = code;
    const close = el('button', { type: 'button', class: 'secondary', text: 'Close' });
    close.addEventListener('click', () => { closeShelf(); refresh(); });
    const chartBox = el('div', { class: 'shelf-charts' });
    detail.replaceChildren(
      el('div', { class: 'chart-head' }, el('h3', { text: `${code}: last 24 h` }), close),
      el('p', { class: 'hint shelf-detail-status', role: 'status' }),
      chartBox);
    detail.hidden = false;
    charts = {
      temperature: new RangeChart(chartBox, { label: 'Temperature', unit: '°C' }),
      humidity: new RangeChart(chartBox, { label: 'Humidity', unit: '%RH' }),
    };
    await refresh();
    detail.scrollIntoView({ block: 'nearest' });
  }

  async function refresh() {
    const outcome = apiOutcome(await api('GET', '/api/shelves'));
    if (!outcome.ok) {
      setText(status, `Cannot load the shelves: ${outcome.message}`);
      return;
    }
    const { shelves } = outcome.body;
    const alarms = shelves.filter((s) => s.alarm).length;
    setText(status, `${shelves.length} shelves · ${alarms} in alarm · updated ${formatTime(Date.now())}`);
    grid.replaceChildren(...(shelves.length ? shelves.map(card)
      : [el('p', { class: 'empty', text: 'No shelves. Locations come from master data (GET /api/master-data/location).' })]));
    if (openCode) await loadHistory();
  }

  async function tick() {
    try {
      await refresh();
    } catch (error) {
      setText(status, `connection lost · retrying (${error.message})`);
    } finally {
      setTimeout(tick, REFRESH_MS);
    }
  }
  await tick();
}
