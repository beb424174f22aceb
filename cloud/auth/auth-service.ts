/**
 * The account use cases, one method each: log in, log out, change a password, authenticate a
 * request (session cookie or bearer token) to a principal with its permissions, create and
 * revoke tokens, edit the matrix. Each records what it did in the audit log; the web layer only
 * maps HTTP to these calls.
 */
import type { AccountLocks } from './account-locks.ts';
import type { AccountStore, Account } from './account-store.ts';
import type { ApiToken, ApiTokenStore } from './api-tokens.ts';
import type { AuditLog } from './audit-log.ts';
import type { LoginThrottle, ThrottleVerdict } from './login-throttle.ts';
import { dummyHash, hashPassword, needsRehash, SCRYPT_PARAMETERS, verifyPassword, type ScryptParameters } from './password-hash.ts';
import { passwordProblem } from './password-policy.ts';
import type { PermissionId } from './permissions.ts';
import type { Matrix, RoleMatrix } from './role-matrix.ts';
import type { Session, SessionStore } from './session-store.ts';

/** Where a request came from, for throttling and the audit log. */
export interface RequestOrigin {
  ip: string;
  userAgent?: string;
}

export type Principal =
  | { kind: 'session'; account: Account; permissions: ReadonlySet<PermissionId>; session: Session; sessionId: string }
  | { kind: 'token'; account: Account; permissions: ReadonlySet<PermissionId>; token: ApiToken };

export type LoginResult =
  | { ok: true; sessionId: string; principal: Principal & { kind: 'session' } }
  | { ok: false; reason: 'invalid' }
  /** The password was right, but an admin has locked the account. */
  | { ok: false; reason: 'locked' }
  | { ok: false; reason: 'throttled'; verdict: Extract<ThrottleVerdict, { allowed: false }> };

export class AuthProblem extends Error {
  readonly field: string;
  readonly kind: 'invalid' | 'forbidden' | 'not_found';
  constructor(kind: AuthProblem['kind'], field: string, message: string) {
    super(message);
    this.name = 'AuthProblem';
    this.kind = kind;
    this.field = field;
  }
}

export interface AuthServiceParts {
  accounts: AccountStore;
  /** Accounts an admin locked: refused at login, and their sessions and tokens with them. */
  locks: AccountLocks;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  throttle: LoginThrottle;
  audit: AuditLog;
  matrix: RoleMatrix;
}

const actorOf = (principal: Principal) => ({
  actor: principal.account.username,
  actorKind: principal.kind === 'token' ? ('token' as const) : ('user' as const),
});

export class AuthService {
  readonly parts: AuthServiceParts;
  readonly #hashParameters: ScryptParameters;

  /** `hashParameters`: the scrypt cost; tests lower it, everything else keeps the default. */
  constructor(parts: AuthServiceParts, { hashParameters = SCRYPT_PARAMETERS }: { hashParameters?: ScryptParameters } = {}) {
    this.parts = parts;
    this.#hashParameters = hashParameters;
  }

  hashPassword(password: string): Promise<string> {
    return hashPassword(password, this.#hashParameters);
  }

  async login(username: string, password: string, origin: RequestOrigin): Promise<LoginResult> {
    const { accounts, throttle, audit, sessions } = this.parts;
    const entry = { actor: username.slice(0, 128), actorKind: 'anonymous' as const, ip: origin.ip, userAgent: origin.userAgent, action: 'session.login' as const };
    const verdict = throttle.check(username, origin.ip);
    if (!verdict.allowed) {
      audit.record({ ...entry, outcome: 'failure', after: { reason: verdict.locked ? 'locked' : 'throttled', by: verdict.by } });
      return { ok: false, reason: 'throttled', verdict };
    }
    const account = accounts.byUsername(username);
    // An unknown user costs one scrypt too, so timing does not tell which usernames exist.
    const matches = await verifyPassword(password, account?.passwordHash ?? (await dummyHash(this.#hashParameters)));
    if (!account || !matches) {
      throttle.recordFailure(username, origin.ip);
      audit.record({ ...entry, outcome: 'failure', after: { reason: 'wrong username or password' } });
      return { ok: false, reason: 'invalid' };
    }
    // Checked after the password, so only someone who knows it learns that the account is locked.
    if (this.parts.locks.lockedAt(account.id) !== undefined) {
      audit.record({ ...entry, outcome: 'failure', after: { reason: 'locked by an admin' } });
      return { ok: false, reason: 'locked' };
    }
    throttle.recordSuccess(username);
    if (needsRehash(account.passwordHash, this.#hashParameters)) accounts.setPassword(account.id, await this.hashPassword(password), account.mustChangePassword);
    const { id, session } = sessions.create(account.id, origin);
    audit.record({ ...entry, actor: account.username, actorKind: 'user', outcome: 'success' });
    const { passwordHash: _, ...plain } = account;
    return { ok: true, sessionId: id, principal: this.#sessionPrincipal(plain, session, id) };
  }

  logout(principal: Principal & { kind: 'session' }, origin: RequestOrigin): void {
    this.parts.sessions.delete(principal.sessionId);
    this.parts.audit.record({ ...actorOf(principal), ...origin, action: 'session.logout', outcome: 'success' });
  }

  /**
   * Resolves a session cookie value; undefined when unknown, expired or its account is locked.
   * The account and its role are read on every request, so a changed role applies at once.
   */
  fromSession(sessionId: string): (Principal & { kind: 'session' }) | undefined {
    const session = this.parts.sessions.resolve(sessionId);
    const account = session && this.#unlocked(this.parts.accounts.byId(session.userId));
    return account && session && this.#sessionPrincipal(account, session, sessionId);
  }

  /** Resolves `es_<id>_<secret>`; undefined when malformed, unknown, wrong, revoked or its owner is locked. */
  fromToken(bearer: string): (Principal & { kind: 'token' }) | undefined {
    const token = this.parts.tokens.authenticate(bearer);
    const account = token && this.#unlocked(this.parts.accounts.byId(token.userId));
    if (!token || !account) return undefined;
    const held = this.parts.matrix.permissionsOf(account.role);
    return { kind: 'token', account, token, permissions: new Set(token.permissions.filter((id) => held.has(id))) };
  }

  #unlocked(account: Account | undefined): Account | undefined {
    return account && this.parts.locks.lockedAt(account.id) === undefined ? account : undefined;
  }

  #sessionPrincipal(account: Account, session: Session, sessionId: string): Principal & { kind: 'session' } {
    return { kind: 'session', account, session, sessionId, permissions: this.parts.matrix.permissionsOf(account.role) };
  }

  async changePassword(principal: Principal & { kind: 'session' }, currentPassword: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const { accounts, sessions, audit } = this.parts;
    const entry = { ...actorOf(principal), ...origin, action: 'session.password_change' as const, target: principal.account.username };
    const stored = accounts.byUsername(principal.account.username);
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) {
      audit.record({ ...entry, outcome: 'failure', after: { reason: 'current password wrong' } });
      throw new AuthProblem('invalid', 'currentPassword', 'currentPassword: does not match; give the password you logged in with');
    }
    const problem = passwordProblem(newPassword, principal.account.username);
    if (problem) throw new AuthProblem('invalid', 'newPassword', `newPassword: ${problem}`);
    if (newPassword === currentPassword) throw new AuthProblem('invalid', 'newPassword', 'newPassword: is the current password; choose a new one');
    accounts.setPassword(principal.account.id, await this.hashPassword(newPassword), false);
    // Anyone else holding this account's session loses it with the old password.
    const ended = sessions.deleteForUser(principal.account.id, principal.session.idHash);
    audit.record({ ...entry, outcome: 'success', after: { otherSessionsEnded: ended } });
  }

  createToken(principal: Principal, name: string, permissions: PermissionId[], origin: RequestOrigin): { token: string; record: ApiToken } {
    if (principal.kind === 'token') {
      throw new AuthProblem('forbidden', 'authorization', 'a token cannot create tokens; log in with a password to create one');
    }
    const beyond = permissions.filter((id) => !principal.permissions.has(id));
    if (beyond.length > 0) {
      throw new AuthProblem('invalid', 'permissions', `permissions: your role does not hold ${beyond.join(', ')}; a token can only carry permissions you hold`);
    }
    const created = this.parts.tokens.create({ userId: principal.account.id, name, permissions });
    this.parts.audit.record({
      ...actorOf(principal), ...origin, action: 'token.create', outcome: 'success', target: created.record.id,
      after: { name, permissions: created.record.permissions },
    });
    return created;
  }

  /** Revokes a token of the principal's own, or any token with users.manage. */
  revokeToken(principal: Principal, id: string, origin: RequestOrigin): ApiToken {
    const token = this.parts.tokens.get(id);
    const mayRevoke = token && (token.userId === principal.account.id || principal.permissions.has('users.manage'));
    if (!token || !mayRevoke) throw new AuthProblem('not_found', 'id', `id: no token "${id}" of yours; GET /api/tokens lists them`);
    if (token.revokedAt !== null) throw new AuthProblem('invalid', 'id', `id: token "${id}" is already revoked`);
    this.parts.tokens.revoke(id);
    this.parts.audit.record({
      ...actorOf(principal), ...origin, action: 'token.revoke', outcome: 'success', target: id, before: { name: token.name, revokedAt: null },
    });
    return this.parts.tokens.get(id)!;
  }

  updateMatrix(principal: Principal, matrix: Matrix, origin: RequestOrigin): Matrix {
    const before = this.parts.matrix.replace(matrix);
    const after = this.parts.matrix.get();
    this.parts.audit.record({ ...actorOf(principal), ...origin, action: 'permissions.update', outcome: 'success', target: 'matrix', before, after });
    return after;
  }
}
