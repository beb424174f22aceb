// The API reference page (/docs): reads the OpenAPI document the server builds from its own route
// schemas and draws it by section, with a filter on text and method. The filter lives in the
// URL's query (?q=&method=) so a filtered view can be linked; a #op-… anchor opens that operation.
import { api, apiOutcome, loadSession } from './api.js';
import { el } from './dom.js';
import { METHODS, errorBodySchema, matchesFilter, sectionsOf } from './docs-operations.js';
import { operationView } from './docs-operation.js';
import { schemaTree } from './docs-schema-tree.js';

const $ = (id) => document.getElementById(id);

/** Draws every section once; the filter only hides and shows what is drawn. */
function draw(document_, sections) {
  const errorSchema = errorBodySchema(document_);
  if (errorSchema) {
    $('docs-error-tree').replaceChildren(schemaTree(errorSchema, 'error body'));
    $('docs-errors').hidden = false;
  }
  for (const section of sections) {
    section.count = el('span', { class: 'docs-toc-count' });
    section.tocItem = el('li', { dataset: { section: section.id } }, el('a', { href: `#section-${section.id}`, text: section.title }), section.count);
    for (const entry of section.operations) entry.view = operationView(entry);
    section.view = el('section', { class: 'docs-section', id: `section-${section.id}`, 'aria-labelledby': `section-${section.id}-title`, dataset: { section: section.id } },
      el('h3', { id: `section-${section.id}-title`, text: section.title }), ...section.operations.map((entry) => entry.view));
  }
  $('docs-toc').replaceChildren(...sections.map((section) => section.tocItem));
  $('docs-groups').replaceChildren(...sections.map((section) => section.view));
}

/** Shows the operations that pass the filter; a section with none hides, the counts follow. */
function applyFilter(sections, filter) {
  let shown = 0;
  let total = 0;
  for (const section of sections) {
    let inSection = 0;
    for (const entry of section.operations) {
      const visible = matchesFilter(entry, filter);
      entry.view.hidden = !visible;
      if (visible) inSection += 1;
    }
    shown += inSection;
    total += section.operations.length;
    section.view.hidden = inSection === 0;
    section.tocItem.hidden = inSection === 0;
    section.count.textContent = ` ${inSection}`;
  }
  $('docs-count').textContent = shown === total ? `${total} operations` : `${shown} of ${total} operations`;
}

function filterFromForm() {
  return { text: $('docs-filter-text').value.trim(), method: $('docs-filter-method').value };
}

/** Keeps ?q= and ?method= in step with the form, without a history entry per key press. */
function rememberFilter({ text, method }) {
  const url = new URL(location.href);
  if (text) url.searchParams.set('q', text); else url.searchParams.delete('q');
  if (method) url.searchParams.set('method', method); else url.searchParams.delete('method');
  history.replaceState(null, '', url);
}

/** Opens and scrolls to the operation the URL's #op-… names, if any. */
function openAnchored() {
  const target = location.hash.startsWith('#op-') ? document.getElementById(location.hash.slice(1)) : null;
  if (!target) return;
  target.hidden = false;
  target.open = true;
  target.scrollIntoView();
  target.querySelector('summary')?.focus();
}

async function start() {
  await loadSession();
  const status = $('docs-status');
  status.textContent = 'Loading the API description…';
  const outcome = apiOutcome(await api('GET', '/api/openapi.json'));
  if (!outcome.ok) {
    status.textContent = `Could not load /api/openapi.json: ${outcome.message}`;
    return;
  }
  const document_ = outcome.body;
  const sections = sectionsOf(document_);
  const methods = METHODS.filter((method) => sections.some((section) => section.operations.some((entry) => entry.method === method)));
  $('docs-filter-method').append(...methods.map((method) => el('option', { value: method, text: method.toUpperCase() })));
  draw(document_, sections);
  status.textContent = `${document_.info?.title ?? 'API'}, version ${document_.info?.version ?? '?'}, OpenAPI ${document_.openapi ?? '?'}.`;

  const params = new URLSearchParams(location.search);
  $('docs-filter-text').value = params.get('q') ?? '';
  const method = params.get('method') ?? '';
  if (methods.includes(method)) $('docs-filter-method').value = method;
  const refilter = () => {
    const filter = filterFromForm();
    applyFilter(sections, filter);
    rememberFilter(filter);
  };
  $('docs-filter').addEventListener('input', refilter);
  $('docs-filter').addEventListener('change', refilter);
  $('docs-filter').addEventListener('submit', (event) => event.preventDefault());
  applyFilter(sections, filterFromForm());
  openAnchored();
  window.addEventListener('hashchange', openAnchored);
}

start().catch((error) => {
  $('docs-status').textContent = `The page failed: ${error.message}`;
  throw error;
});
