// The login page: posts the form to POST /api/session as JSON and, for an account that still
// has its one-time password, asks for a new one (POST /api/session/password) before going on.
const loginForm = document.getElementById('login-form');
const changeForm = document.getElementById('change-form');
const loginError = document.getElementById('login-error');
const changeError = document.getElementById('change-error');

let session = null;
let currentPassword = '';

/** Only same-site paths: `?next=https://evil.example` must not turn this page into an open redirect. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  return /^\/(?!\/)[\w\-/]*$/.test(next) ? next : '/';
}

function showError(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

async function send(method, url, body, csrfToken) {
  const headers = { 'content-type': 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, { method, headers, body: JSON.stringify(body), cache: 'no-store' });
  const json = await response.json().catch(() => null);
  return { status: response.status, body: json };
}

const LOGIN_MESSAGES = {
  INVALID_CREDENTIALS: () => 'Wrong username or password.',
  ACCOUNT_LOCKED: (body, status) => (status === 429 ? `Locked after too many failed logins: ${body.message}` : `Locked: ${body.message}`),
  TOO_MANY_ATTEMPTS: (body) => `Too many failed logins: ${body.message}`,
};

loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(loginError, '');
  const username = document.getElementById('username').value.trim();
  const password = document.getElementById('password').value;
  if (!username || !password) return showError(loginError, 'Enter your username and password.');
  try {
    const { status, body } = await send('POST', '/api/session', { username, password });
    if (status !== 200) {
      const explain = LOGIN_MESSAGES[body?.error];
      return showError(loginError, explain ? explain(body, status) : (body?.message ?? `Login failed (HTTP ${status}).`));
    }
    session = body;
    if (session.mustChangePassword) {
      currentPassword = password;
      loginForm.hidden = true;
      changeForm.hidden = false;
      document.getElementById('new-password').focus();
      return;
    }
    location.assign(nextPath());
  } catch (error) {
    showError(loginError, `The server cannot be reached (${error.message}).`);
  }
});

changeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError(changeError, '');
  const newPassword = document.getElementById('new-password').value;
  if (newPassword !== document.getElementById('new-password-again').value) return showError(changeError, 'The two passwords differ.');
  const { status, body } = await send('POST', '/api/session/password', { currentPassword, newPassword }, session.csrfToken);
  if (status !== 200) return showError(changeError, body?.message ?? `Could not change the password (HTTP ${status}).`);
  currentPassword = '';
  location.assign(nextPath());
});
