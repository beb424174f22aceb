// The process-rule endpoints of the admin API (cloud/web/routes/rules.ts, docs/rule-release.md),
// one function each. Every call resolves to `{ ok, status, body, message }`: `message` says what
// went wrong in words a process expert can act on, naming the API's error code.
import { api, apiOutcome } from './api.js';

/** What the page adds to the API's own message for codes that need a next step. */
const NEXT_STEPS = {
  FORBIDDEN: 'Your role does not allow this; ask an admin.',
  CONFLICT: 'Reload the versions to see the current stages.',
  GATEWAY_UNKNOWN: 'That gateway has not reported to the cloud yet; pick one from the list.',
  NOT_FOUND: '',
};


const call = async (method, url, body) => apiOutcome(await api(method, url, body), NEXT_STEPS);
const versionUrl = (version, suffix = '') => `/api/rules/packs/${encodeURIComponent(String(version))}${suffix}`;

export const getGlossary = () => call('GET', '/api/rules/glossary');
/** @param {string} text @param {'en' | 'zh' | 'auto'} [lang] */
export const compileText = (text, lang = 'auto') => call('POST', '/api/rules/compile', { text, lang });
export const listPacks = () => call('GET', '/api/rules/packs');
export const getPack = (version) => call('GET', versionUrl(version));
/** @param {{ pack: string, rules: object[], facts?: object }} pack */
export const createPack = (pack) => call('POST', '/api/rules/packs', pack);
/** @param {Array<{ group: string, edge: string }> | undefined} gateways undefined: every known gateway */
export const shadowPack = (version, gateways) => call('POST', versionUrl(version, '/shadow'), gateways ? { gateways } : {});
export const promotePack = (version, stage, gateways) => call('POST', versionUrl(version, '/promote'), gateways ? { stage, gateways } : { stage });
export const rollback = () => call('POST', '/api/rules/rollback', {});
export const listDeployments = () => call('GET', '/api/rules/deployments');
export const shadowComparison = (version) => call('GET', versionUrl(version, '/shadow-comparison'));
/** Gateways that reported to the cloud (needs telemetry.read; an empty list without it). */
export const listGateways = () => call('GET', '/api/gateways');
