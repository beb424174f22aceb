// The Rules screen: write a process rule in English or Chinese with live compile and the
// glossary at hand (rules-editor.js, rules-glossary.js), read back what the system understood
// (rules-previews.js), put it into a draft and save the pack as a new version (rules-pack.js),
// release versions through shadow, grey and production or roll back (rules-release.js), and
// compare a shadow candidate's firings with the live version's (rules-shadow.js).
// Everyone logged in reads it; saving needs rules.edit, releasing the permission of the stage.
import { el } from './dom.js';
import { createRuleEditor } from './rules-editor.js';
import { createGlossaryPanel } from './rules-glossary.js';
import { createPackPanel } from './rules-pack.js';
import { createPreviews } from './rules-previews.js';
import { createReleasePanel } from './rules-release.js';
import { createShadowPanel } from './rules-shadow.js';

const section = (id, title, hint, ...content) => el('section', { class: 'rules-section', id, 'aria-labelledby': `${id}-title` },
  el('h3', { id: `${id}-title`, text: title }), hint ? el('p', { class: 'hint', text: hint }) : null, ...content);

export async function startRules(me) {
  const root = document.getElementById('rules-root');
  const previews = createPreviews();
  let pack = null;
  let glossary = null;
  const editor = createRuleEditor({
    onResult: (answer) => {
      previews.show(answer);
      pack?.editorChanged();
      glossary?.refreshLanguage();
    },
  });
  glossary = createGlossaryPanel({ onInsert: (phrase) => editor.insert(phrase), language: () => editor.insertLanguage() });
  const shadow = createShadowPanel();

  const release = createReleasePanel({
    me,
    onOpen: async (version) => {
      await pack.load(version);
      document.getElementById('rules-pack').scrollIntoView({ block: 'start' });
    },
    onChanged: () => refreshReleases(),
  });
  pack = createPackPanel({ me, editor, onSaved: () => refreshReleases() });

  async function refreshReleases() {
    await release.refresh();
    const shown = pack.version;
    // a release step changes the stage of the version shown: show it again (its draft is kept only until then)
    if (shown !== null && release.packs.some((p) => p.version === shown)) await pack.load(shown);
    await shadow.setVersions(release.packs);
  }

  previews.show(null);
  root.replaceChildren(
    el('div', { class: 'rules-write' },
      section('rules-editor', 'Write a rule',
        'One rule, in English or Chinese: "When <condition>, <actions>." It is compiled as you type; problems are underlined where they are.',
        editor.element, previews.element),
      glossary.element),
    section('rules-pack', 'Pack', null, pack.element),
    section('rules-release', 'Release',
      'sandbox → shadow (runs beside the active version, effects only logged) → grey (active on chosen gateways) → production (every gateway). A version whose examples fail cannot be promoted.',
      release.element),
    section('rules-shadow', 'Shadow comparison', null, shadow.element));

  await Promise.all([glossary.load(), release.refresh()]);
  await pack.load(release.production ?? release.packs[0]?.version ?? null);
  await shadow.setVersions(release.packs);
}
