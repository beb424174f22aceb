// The MAPE monitor: weekly MAPE of the selected series (or of every series) against the 15%
// threshold, and the review tasks the monitor opened after 3 breaching weeks in a row. A user
// with forecasting.manage closes a review with a note saying what was done; the API refuses a
// close without one, and its words are shown by the note field.
import { api, apiOutcome } from './api.js';
import { el, setText } from './dom.js';
import { dayMs, dayOf, formatInstant, formatPct } from './forecast-format.js';
import { LineChart } from './forecast-line-chart.js';

const WRITE_A_NOTE = 'Write a note saying what was checked or changed.';
const NOTE_NEEDED = { INVALID_INPUT: WRITE_A_NOTE, INVALID_VALUE: WRITE_A_NOTE, BAD_REQUEST: WRITE_A_NOTE };

export class MonitorPanel {
  /** @param {HTMLElement} root @param {{ manage: boolean, onChanged: () => void }} options */
  constructor(root, { manage, onChanged }) {
    this.manage = manage;
    this.onChanged = onChanged;
    this.threshold = 0.15;
    this.scope = el('p', { class: 'hint', id: 'forecast-monitor-scope' });
    this.status = el('p', { class: 'hint', id: 'forecast-monitor-status', role: 'status', 'aria-live': 'polite' });
    this.weeks = el('tbody', { id: 'forecast-monitor-weeks' });
    this.reviews = el('ul', { class: 'forecast-reviews', id: 'forecast-reviews' });
    root.replaceChildren(this.scope);
    this.chart = new LineChart(root, {
      id: 'forecast-monitor-chart', label: 'Weekly MAPE against the 15% threshold', xLabel: 'week', yLabel: 'MAPE', time: true,
      formatX: (x) => `week of ${dayOf(x)}`, formatY: (v) => formatPct(v), threshold: { value: this.threshold, label: 'threshold 15%' },
    });
    root.append(
      el('details', { class: 'forecast-monitor-details' }, el('summary', { text: 'Weeks as a table' }),
        el('table', { class: 'readings' },
          el('thead', {}, el('tr', {}, ...['Week (Monday)', 'Series', 'MAPE', 'WAPE', 'Days', 'Over 15%'].map((text) => el('th', { scope: 'col', text })))),
          this.weeks)),
      el('h4', { text: 'Open reviews' }), this.status, this.reviews);
  }

  /** Reloads the weeks of `series` ({ sku, location } or null: all series) and the open reviews. */
  async load(series) {
    const query = series ? `?sku=${encodeURIComponent(series.sku)}&location=${encodeURIComponent(series.location)}&weeks=12` : '?weeks=12';
    const [monitor, reviews] = await Promise.all([
      api('GET', `/api/forecasting/monitor${query}`).then((r) => apiOutcome(r)),
      api('GET', '/api/forecasting/reviews?state=open').then((r) => apiOutcome(r)),
    ]);
    setText(this.scope, series ? `Weekly MAPE of ${series.sku} at ${series.location}, last 12 weeks.` : 'Weekly MAPE of all series, last 12 weeks.');
    if (!monitor.ok) setText(this.status, `Cannot load the monitor: ${monitor.message}`);
    else this.drawWeeks(monitor.body);
    if (!reviews.ok) setText(this.status, `Cannot load the reviews: ${reviews.message}`);
    else this.drawReviews(reviews.body.reviews);
  }

  drawWeeks({ threshold, weeks }) {
    this.threshold = threshold ?? this.threshold;
    const label = (w) => (w.sku === '*' ? 'all series' : `${w.sku}@${w.location}`);
    this.chart.update(weeks.filter((w) => w.mape !== null).map((w) => ({ x: dayMs(w.week), y: w.mape, label: label(w) })), 'No week measured yet: the monitor compares forecasts with the sales that followed them.');
    if (weeks.length === 0) {
      this.weeks.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: 6, text: 'No weeks measured yet.' })));
      return;
    }
    this.weeks.replaceChildren(...weeks.map((w) => el('tr', { dataset: { week: w.week, breach: String(w.breach) } },
      el('td', { text: w.week }), el('td', { text: label(w) }),
      el('td', { class: 'num', text: formatPct(w.mape) }), el('td', { class: 'num', text: formatPct(w.wape) }),
      el('td', { class: 'num', text: String(w.days) }), el('td', { class: w.breach ? 'is-breach' : '', text: w.breach ? '▲ yes' : 'no' }))));
  }

  drawReviews(reviews) {
    if (reviews.length === 0) {
      this.reviews.replaceChildren(el('li', { class: 'hint', text: 'No open review: no series has been over 15% MAPE for 3 weeks in a row.' }));
      return;
    }
    this.reviews.replaceChildren(...reviews.map((review) => this.reviewItem(review)));
  }

  reviewItem(review) {
    const weeks = review.weeks.map((week, i) => `${week}: ${formatPct(review.mapes[i])}`).join(', ');
    const item = el('li', { class: 'forecast-review-item', dataset: { reviewId: String(review.id), sku: review.sku, location: review.location } },
      el('strong', { text: `⚑ ${review.sku} at ${review.location}` }),
      el('span', { class: 'forecast-review-reason', text: ` ${review.reason}` }),
      el('div', { class: 'forecast-review-meta', text: `Opened ${formatInstant(review.openedAt)} · weeks ${weeks}` }));
    if (!this.manage) return item;
    const note = el('input', { name: 'note', maxlength: 2000, placeholder: 'what was checked or changed', 'aria-label': `Note closing the review of ${review.sku} at ${review.location}` });
    const problem = el('span', { class: 'form-error', role: 'alert', hidden: true });
    const form = el('form', { class: 'forecast-review-close' }, note, el('button', { type: 'submit', class: 'secondary', text: 'Close review' }), problem);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      problem.hidden = true;
      const outcome = apiOutcome(await api('POST', `/api/forecasting/reviews/${review.id}/close`, { note: note.value }), NOTE_NEEDED);
      if (!outcome.ok) {
        problem.hidden = false;
        setText(problem, outcome.message);
        note.setAttribute('aria-invalid', 'true');
        return;
      }
      this.onChanged();
    });
    item.append(form);
    return item;
  }
}
