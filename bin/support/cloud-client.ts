/**
 * Reads the cloud's API as a logged-in user, for system tests and scripts: logs in with
 * POST /api/session on first use (and again if the session ended) and sends the session cookie.
 * Reads only, so no CSRF token is needed.
 */
export interface CloudClient {
  getJson<T = unknown>(path: string): Promise<T>;
}

/** `password` defaults to the demo users' `<username>-demo` (README "Demo users and roles"). */
export function cloudClient(baseUrl: string, username: string, password = `${username}-demo`): CloudClient {
  let cookie: string | undefined;
  const login = async () => {
    const response = await fetch(`${baseUrl}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw new Error(`log in as ${username} at ${baseUrl}: HTTP ${response.status} ${await response.text()}`);
    cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  };
  const get = (path: string) => fetch(`${baseUrl}${path}`, { headers: { cookie: cookie! } });
  return {
    async getJson<T>(path: string): Promise<T> {
      if (cookie === undefined) await login();
      let response = await get(path);
      if (response.status === 401) {
        await login();
        response = await get(path);
      }
      if (!response.ok) throw new Error(`${baseUrl}${path}: HTTP ${response.status}`);
      return (await response.json()) as T;
    },
  };
}
