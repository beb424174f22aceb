// The admin page's entry: who is logged in, the top bar (user, role, log out), the navigation
// limited to what the role may see, and the screen the path names. The scanning screens live in
// the hash of / (/#/scans): the server serves the page at the paths it lists in admin-page.ts.
import { api, loadSession, toLogin } from './api.js';
import { setText } from './dom.js';

/** Path -> screen, and the permission a screen needs (null: anyone logged in). */
const SCREENS = {
  '/': { id: 'telemetry', title: 'live telemetry', permission: 'telemetry.read', load: () => import('./telemetry-screen.js').then((m) => m.startTelemetry()) },
  '/connectors': { id: 'connectors', title: 'connectors', permission: 'telemetry.read', load: (me) => import('./connectors-screen.js').then((m) => m.startConnectors(me)) },
  '/gateways': { id: 'gateways', title: 'gateways', permission: 'telemetry.read', load: () => import('./gateway-sessions-screen.js').then((m) => m.startGatewaySessions()) },
  '/permissions': { id: 'permissions', title: 'permissions', permission: null, load: (me) => import('./permissions-screen.js').then((m) => m.startPermissions(me)) },
  '/audit': { id: 'audit', title: 'audit log', permission: 'audit.read', load: () => import('./audit-screen.js').then((m) => m.startAudit()) },
  '/users': { id: 'users', title: 'users', permission: 'users.read', load: (me) => import('./users-screen.js').then((m) => m.startUsers(me)) },
  '/gateway-credentials': { id: 'gateway-credentials', title: 'gateway credentials', permission: 'devices.manage', load: () => import('./gateway-credentials-screen.js').then((m) => m.startGatewayCredentials()) },
  '/rules': { id: 'rules', title: 'rules', permission: null, load: (me) => import('./rules-screen.js').then((m) => m.startRules(me)) },
  '/#/scans': { id: 'scans', title: 'scans', permission: 'inventory.read', load: () => import('./scans-screen.js').then((m) => m.startScans()) },
  '/#/shelves': { id: 'shelves', title: 'shelves', permission: 'inventory.read', load: () => import('./shelves-screen.js').then((m) => m.startShelves()) },
  '/#/lots': { id: 'lots', title: 'lots', permission: 'inventory.read', load: (me) => import('./lots-screen.js').then((m) => m.startLots(me)) },
  '/#/stock': { id: 'stock', title: 'stock', permission: 'inventory.read', load: (me) => import('./stock-screen.js').then((m) => m.startStock(me)) },
  '/#/trace': { id: 'trace', title: 'lot trace', permission: 'inventory.read', load: (me) => import('./trace-screen.js').then((m) => m.startTrace(me)) },
  '/#/devices': { id: 'devices', title: 'devices', permission: 'devices.manage', load: () => import('./devices-screen.js').then((m) => m.startDevices()) },
  '/#/tooling': { id: 'tooling', title: 'tooling', permission: 'inventory.read', load: (me) => import('./tooling-screen.js').then((m) => m.startTooling(me)) },
  '/#/fusion': { id: 'fusion', title: 'fusion', permission: 'inventory.read', load: (me) => import('./fusion-screen.js').then((m) => m.startFusion(me)) },
  '/#/forecasting': { id: 'forecasting', title: 'forecasting', permission: 'inventory.read', load: (me) => import('./forecast-screen.js').then((m) => m.startForecasting(me)) },
  '/#/replenishment': { id: 'replenishment', title: 'replenishment', permission: 'inventory.read', load: (me) => import('./replenishment-screen.js').then((m) => m.startReplenishment(me)) },
};

/** The screen's key: the path, or /#/<screen> for a screen in the hash of /. */
const routeOf = (url) => (url.pathname === '/' && url.hash.startsWith('#/') ? `/${url.hash}` : url.pathname);
const route = routeOf(location);
// Between screens in the hash only the hash changes: load the page again for the new screen.
addEventListener('hashchange', () => {
  if (routeOf(location) !== route) location.reload();
});

const me = await loadSession();
const may = (screen) => screen.permission === null || me.permissions.includes(screen.permission);

setText(document.getElementById('user-name'), me.username);
const role = document.getElementById('user-role');
setText(role, me.role.replaceAll('_', ' '));
role.title = me.roleDescription;
document.getElementById('logout').addEventListener('click', async () => {
  await api('DELETE', '/api/session');
  toLogin();
});

for (const link of document.querySelectorAll('#main-nav a')) {
  const screen = SCREENS[link.getAttribute('href')];
  link.hidden = !may(screen);
  if (link.getAttribute('href') === route) link.setAttribute('aria-current', 'page');
}

const current = SCREENS[route] ?? SCREENS['/'];
if (!may(current)) {
  // e.g. an operator opening / without telemetry.read: go to the first screen the role has
  const [path] = Object.entries(SCREENS).find(([, screen]) => may(screen));
  location.replace(path);
} else {
  setText(document.getElementById('screen-title'), current.title);
  document.title = `edgestock · ${current.title}`;
  document.getElementById(`screen-${current.id}`).hidden = false;
  await current.load(me);
}
