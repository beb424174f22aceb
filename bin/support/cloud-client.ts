/**
 * Calls the cloud's API as a logged-in user, for system tests and scripts: logs in with
 * POST /api/session on first use (and again if the session ended), sends the session cookie, and
 * on POST the session's CSRF token (the login answer carries it).
 */
export interface CloudClient {
  getJson<T = unknown>(path: string): Promise<T>;
  /** POSTs a JSON body; throws with the status and the answer's text when it is not 2xx. */
  postJson<T = unknown>(path: string, body: unknown): Promise<T>;
}

/** `password` defaults to the demo users' `<username>-demo` (README "Demo users and roles"). */
export function cloudClient(baseUrl: string, username: string, password = `${username}-demo`): CloudClient {
  let cookie: string | undefined;
  let csrfToken: string | undefined;
  const login = async () => {
    const response = await fetch(`${baseUrl}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`log in as ${username} at ${baseUrl}: HTTP ${response.status} ${await response.text()}`);
    cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    csrfToken = ((await response.json()) as { csrfToken?: string }).csrfToken ?? undefined;
  };
  const send = (path: string, body?: unknown) => fetch(`${baseUrl}${path}`, body === undefined
    ? { headers: { cookie: cookie! } }
    : { method: 'POST', headers: { cookie: cookie!, 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) }, body: JSON.stringify(body) });
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    if (cookie === undefined) await login();
    let response = await send(path, body);
    if (response.status === 401) {
      await login();
      response = await send(path, body);
    }
    if (!response.ok) throw new Error(`${baseUrl}${path}: HTTP ${response.status} ${body === undefined ? '' : await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    getJson: (path) => call(path),
    postJson: (path, body) => call(path, body),
  };
}
