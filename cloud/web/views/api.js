// Calls to the JSON API from the admin page: the session's CSRF token on every state-changing
// request, and back to the login page when the session has ended.

let csrfToken = null;

/** Leaves for the login page, coming back to this screen afterwards. */
export function toLogin() {
  const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname)}`;
  location.assign(`/login${next}`);
  return new Promise(() => {}); // nothing more to do on this page
}

/** Who is logged in (GET /api/session), or a trip to the login page. */
export async function loadSession() {
  const response = await fetch('/api/session', { cache: 'no-store' });
  if (response.status === 401) return toLogin();
  const me = await response.json();
  if (!response.ok) throw new Error(me?.message ?? `HTTP ${response.status} from /api/session`);
  if (me.mustChangePassword) return toLogin();
  csrfToken = me.csrfToken;
  return me;
}

/**
 * One API call; resolves to `{ status, body }` for any answer but 401, which means the session
 * ended and goes to the login page.
 */
export async function api(method, url, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  if (response.status === 401) return toLogin();
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  return { status: response.status, body: json };
}

/**
 * `{ ok, status, body, message }` from an api() answer; 2xx is ok. `message` names the API's error
 * code and adds the next step the screen gives for it (`nextSteps`: code -> words).
 */
export function apiOutcome({ status, body }, nextSteps = {}) {
  const ok = status >= 200 && status < 300;
  if (ok) return { ok, status, body, message: '' };
  const code = body?.error ?? `HTTP ${status}`;
  const text = body?.message ?? `The server answered HTTP ${status}.`;
  const next = nextSteps[body?.error];
  return { ok, status, body, message: `${code}: ${text}${next ? ` ${next}` : ''}` };
}
