/**
 * A real cloud app for tests: a SQLite file in a temp folder, the telemetry store, the account
 * stores (demo users optional) and the Fastify app, plus helpers to log in and to call the API
 * with a session cookie or a token. Not a test itself; the tests beside it import it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import type { Clock } from '../../connectors/clock.ts';
import { bootstrapAccounts, demoPassword, demoUsernames } from '../auth/bootstrap-accounts.ts';
import type { ThrottlePolicies } from '../auth/login-throttle.ts';
import { openAuth, type OpenAuth } from '../auth/open-auth.ts';
import { openRollout } from '../rollout/open-rollout.ts';
import type { PermissionId, RoleId } from '../auth/permissions.ts';
import { openTelemetryStore, type TelemetryStore } from '../store/telemetry-store.ts';
import { CSRF_HEADER, sessionCookie } from './access-control.ts';
import { buildCloudApp, type CloudAppOptions } from './app.ts';

export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export interface TestCloud {
  dir: string;
  file: string;
  store: TelemetryStore;
  auth: OpenAuth;
  app: FastifyInstance;
  cookieName: string;
  /** Logs in through POST /api/session; returns what a browser would hold. */
  login(username: string, password?: string): Promise<LoggedIn>;
  /** A bearer token for a fresh account of `role`, scoped to `permissions` (default: all the role holds). */
  tokenFor(role: RoleId, permissions?: PermissionId[]): string;
  close(): Promise<void>;
}

export interface LoggedIn {
  cookie: string;
  csrfToken: string;
  /** inject() with the session cookie, and the CSRF header on state-changing methods. */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface TestCloudOptions {
  demoUsers?: boolean;
  clock?: Pick<Clock, 'now'>;
  logger?: FastifyBaseLogger;
  secureCookies?: boolean;
  throttle?: ThrottlePolicies;
  announce?: (text: string) => void;
  health?: CloudAppOptions['health'];
  gatewayCredentials?: CloudAppOptions['gatewayCredentials'];
  masterData?: CloudAppOptions['masterData'];
  devices?: CloudAppOptions['devices'];
  scans?: CloudAppOptions['scans'];
  inventory?: CloudAppOptions['inventory'];
  tooling?: CloudAppOptions['tooling'];
  forecasting?: CloudAppOptions['forecasting'];
  replenishment?: CloudAppOptions['replenishment'];
  /** Called before app.ready(), e.g. to register an extra route. */
  beforeReady?: (app: FastifyInstance) => void;
}

export async function openTestCloud(options: TestCloudOptions = {}): Promise<TestCloud> {
  const dir = mkdtempSync(join(tmpdir(), 'edgestock-web-'));
  const file = join(dir, 'cloud.sqlite');
  const store = openTelemetryStore(file);
  // scrypt at a test cost: the production cost has its own test (password-hash.test.ts), and
  // here it would only make each login 150 ms slower.
  const auth = openAuth(file, { sessionIdleMinutes: 30, clock: options.clock, throttle: options.throttle, hashParameters: TEST_SCRYPT });
  await bootstrapAccounts(auth.service, { demoUsers: options.demoUsers ?? false, announce: options.announce ?? (() => {}) });
  const secureCookies = options.secureCookies ?? false;
  // No broker here: gateway commands answer 504 (tests of the edge link run a real broker).
  const rollout = openRollout(file, { link: () => undefined, logger: pino({ level: 'silent' }) });
  const app = buildCloudApp({
    store, auth: auth.service, logger: options.logger ?? pino({ level: 'silent' }), secureCookies, health: options.health,
    gatewayCredentials: options.gatewayCredentials, rollout: rollout.rollout, masterData: options.masterData, devices: options.devices, scans: options.scans,
    inventory: options.inventory, tooling: options.tooling, forecasting: options.forecasting, replenishment: options.replenishment,
  });
  options.beforeReady?.(app);
  await app.ready();
  const cookieName = sessionCookie(secureCookies).name;
  let tokenUsers = 0;

  const login = async (username: string, password = demoPassword(username)): Promise<LoggedIn> => {
    const response = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
    if (response.statusCode !== 200) throw new Error(`login as ${username}: HTTP ${response.statusCode} ${response.body}`);
    const value = response.cookies.find((c) => c.name === cookieName)?.value;
    if (!value) throw new Error(`login as ${username}: no ${cookieName} cookie`);
    const cookie = `${cookieName}=${value}`;
    const csrfToken = response.json().csrfToken as string;
    return {
      cookie,
      csrfToken,
      inject: (opts) => app.inject({
        ...opts,
        headers: { cookie, ...(opts.method && opts.method !== 'GET' ? { [CSRF_HEADER]: csrfToken } : {}), ...opts.headers },
      }),
    };
  };

  const tokenFor = (role: RoleId, permissions?: PermissionId[]): string => {
    const { accounts, tokens, matrix } = auth.service.parts;
    // '!' is no scrypt hash: this account can use its token but never log in with a password.
    const account = accounts.create({ username: `token-user-${++tokenUsers}`, role, passwordHash: '!', mustChangePassword: false });
    return tokens.create({ userId: account.id, name: 'test', permissions: permissions ?? [...matrix.permissionsOf(role)] }).token;
  };

  return {
    dir, file, store, auth, app, cookieName, login, tokenFor,
    close: async () => {
      await app.close();
      rollout.close();
      auth.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { demoPassword, demoUsernames };
