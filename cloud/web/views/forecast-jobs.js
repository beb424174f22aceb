// Forecasting's long jobs (training, backtest, the forecast run): start one (forecasting.manage),
// follow it by polling its row: a progress bar with what it is doing now, and a live plot of its
// points (loss per epoch for training, WAPE so far per model for a backtest). A failed job shows
// its error; a second job of a kind already running gets the API's 409 in words.
import { api, apiOutcome } from './api.js';
import { el, setAttr, setText } from './dom.js';
import { formatInstant } from './forecast-format.js';
import { LineChart } from './forecast-line-chart.js';

const POLL_MS = 500;
const KINDS = {
  train: { button: 'Train model', chart: { xLabel: 'epoch', yLabel: 'loss', formatY: (v) => v.toPrecision(3) } },
  backtest: { button: 'Run backtest', chart: { xLabel: 'step', yLabel: 'WAPE', formatY: (v) => `${(v * 100).toFixed(1)}%` } },
  forecast: { button: 'Run forecast', chart: { xLabel: 'step', yLabel: 'series', formatY: (v) => String(Math.round(v * 100) / 100) } },
};
const ACTIVE = new Set(['queued', 'running']);
const NEXT_STEPS = { CONFLICT: 'Wait for the running job of this kind to finish.' };

export class JobsPanel {
  /** @param {HTMLElement} root @param {{ manage: boolean, onFinished: (job) => void }} options */
  constructor(root, { manage, onFinished }) {
    this.onFinished = onFinished;
    this.followed = null;
    this.timer = null;
    this.status = el('p', { class: 'hint', id: 'forecast-job-status', role: 'status', 'aria-live': 'polite' });
    this.buttons = manage ? Object.entries(KINDS).map(([kind, { button }]) => {
      const start = el('button', { type: 'button', class: 'secondary', id: `forecast-start-${kind}`, text: button, dataset: { kind } });
      start.addEventListener('click', () => this.start(kind));
      return start;
    }) : [];
    this.title = el('strong', { id: 'forecast-job-title' });
    this.fill = el('span', { class: 'forecast-progress-fill' });
    this.bar = el('span', { class: 'forecast-progress', id: 'forecast-job-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, 'aria-label': 'Job progress' }, this.fill);
    this.message = el('span', { class: 'forecast-job-message', id: 'forecast-job-message' });
    this.error = el('p', { class: 'form-error', id: 'forecast-job-error', role: 'alert', hidden: true });
    this.current = el('div', { class: 'forecast-job', id: 'forecast-job', hidden: true }, el('div', { class: 'forecast-job-head' }, this.title, this.bar, this.message), this.error);
    this.list = el('tbody', { id: 'forecast-job-rows' });
    root.replaceChildren(
      manage ? el('div', { class: 'forecast-job-buttons' }, ...this.buttons) : el('p', { class: 'hint', text: 'Read-only: starting training, backtests and forecast runs needs forecasting.manage.' }),
      this.status, this.current);
    this.chartHost = el('div', { class: 'forecast-job-chart' });
    this.current.append(this.chartHost);
    this.charts = {};
    root.append(el('details', { class: 'forecast-job-history' }, el('summary', { text: 'Recent jobs' }),
      el('table', { class: 'readings' },
        el('thead', {}, el('tr', {}, ...['#', 'Kind', 'State', 'Started', 'Finished', 'By', 'Message'].map((text) => el('th', { scope: 'col', text })))),
        this.list)));
  }

  /** The status's latest jobs: lists them and follows the newest one still running (or the newest of all). */
  showJobs(jobs) {
    this.list.replaceChildren(...jobs.map((job) => el('tr', { dataset: { jobId: String(job.id), state: job.state } },
      el('td', { text: String(job.id) }), el('td', { text: job.kind }), el('td', { text: job.state }),
      el('td', { text: formatInstant(job.startedAt) }), el('td', { text: formatInstant(job.finishedAt) }), el('td', { text: job.startedBy }),
      el('td', { text: job.error ?? job.message }))));
    if (this.followed && ACTIVE.has(this.followed.state)) return;
    const running = jobs.find((job) => ACTIVE.has(job.state));
    const shown = running ?? jobs[0];
    if (shown) this.follow(shown);
  }

  async start(kind) {
    this.status.textContent = '';
    const outcome = apiOutcome(await api('POST', '/api/forecasting/jobs', { kind }), NEXT_STEPS);
    if (!outcome.ok) {
      setText(this.status, `Cannot start the ${kind} job: ${outcome.message}`);
      return;
    }
    setText(this.status, `Started ${kind} job #${outcome.body.id}.`);
    this.follow(outcome.body);
  }

  /** Shows `job` and, while it runs, polls it. */
  follow(job) {
    clearTimeout(this.timer);
    this.draw(job);
    if (!ACTIVE.has(job.state)) return;
    const poll = async () => {
      const outcome = apiOutcome(await api('GET', `/api/forecasting/jobs/${job.id}`));
      if (!outcome.ok) {
        setText(this.status, `Cannot follow job #${job.id}: ${outcome.message}`);
        return;
      }
      this.draw(outcome.body);
      if (ACTIVE.has(outcome.body.state)) this.timer = setTimeout(poll, POLL_MS);
      else this.onFinished(outcome.body);
    };
    this.timer = setTimeout(poll, POLL_MS);
  }

  draw(job) {
    this.followed = job;
    this.current.hidden = false;
    this.current.dataset.jobId = String(job.id);
    this.current.dataset.kind = job.kind;
    this.current.dataset.state = job.state;
    for (const button of this.buttons) button.disabled = button.dataset.kind === job.kind && ACTIVE.has(job.state);
    const pct = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
    setText(this.title, `#${job.id} ${job.kind}: ${job.state}`);
    this.fill.style.width = `${pct}%`;
    setAttr(this.bar, 'aria-valuenow', String(pct));
    setAttr(this.bar, 'aria-valuetext', `${pct}%: ${job.message}`);
    setText(this.message, `${pct}% · ${job.message}`);
    this.error.hidden = job.error === null;
    setText(this.error, job.error === null ? '' : `The ${job.kind} job failed: ${job.error}`);
    const chart = this.chartOf(job.kind);
    for (const [kind, other] of Object.entries(this.charts)) other.element.hidden = kind !== job.kind;
    chart.update(job.points, job.kind === 'train' ? 'The loss per epoch appears here as training runs.' : 'Progress points appear here as the job runs.');
  }

  chartOf(kind) {
    if (!this.charts[kind]) {
      const { xLabel, yLabel, formatY } = (KINDS[kind] ?? KINDS.forecast).chart;
      this.charts[kind] = new LineChart(this.chartHost, {
        id: `forecast-job-chart-${kind}`, label: `${kind} job: ${yLabel} by ${xLabel}`, xLabel, yLabel, formatY, formatX: (x) => `${xLabel} ${x}`, height: 180,
      });
    }
    return this.charts[kind];
  }
}
