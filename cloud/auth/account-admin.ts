/**
 * What an admin does to other people's accounts: see them with their locks, change a role, lock
 * and unlock, reset a password to a one-time one. Each change is recorded in the audit log with
 * before and after. Two rules keep the installation manageable: the last unlocked admin can
 * neither be demoted nor locked, and nobody locks or resets their own account here.
 *
 * A changed role applies to the account's live sessions and tokens at their next request (the
 * role is read per request, auth-service.ts); a lock ends its sessions at once and refuses its
 * tokens while it lasts; a reset ends its sessions (its tokens stay: they hold no password).
 */
import { randomBytes } from 'node:crypto';
import type { Account } from './account-store.ts';
import type { AuthService, Principal, RequestOrigin } from './auth-service.ts';
import type { RoleId } from './permissions.ts';

/** Why logins to an account are refused now, if they are. */
export type AccountLock =
  | { by: 'admin'; since: number; until: null }
  | { by: 'failed_logins'; since: null; until: number };

export interface AccountView extends Account {
  lock: AccountLock | null;
}

export interface AccountChange {
  role?: RoleId;
  /** true: an admin lock without end; false: lifts the admin lock and any lock from failed logins. */
  locked?: boolean;
}

/** A change refused for a reason the caller can act on; `field` names the input at fault. */
export class AccountAdminError extends Error {
  readonly kind: 'not_found' | 'conflict';
  readonly field: string;
  constructor(kind: AccountAdminError['kind'], field: string, message: string) {
    super(message);
    this.name = 'AccountAdminError';
    this.kind = kind;
    this.field = field;
  }
}

const ONE_TIME_PASSWORD_BYTES = 15; // 120 bits, 20 base64url characters

/** A random one-time password, as handed out for new accounts and resets. */
export const newOneTimePassword = () => randomBytes(ONE_TIME_PASSWORD_BYTES).toString('base64url');

const actorOf = (principal: Principal) => ({
  actor: principal.account.username,
  actorKind: principal.kind === 'token' ? ('token' as const) : ('user' as const),
});

export class AccountAdmin {
  readonly #auth: AuthService;

  constructor(auth: AuthService) {
    this.#auth = auth;
  }

  list(): AccountView[] {
    return this.#auth.parts.accounts.list().map((account) => this.view(account));
  }

  view(account: Account): AccountView {
    const { locks, throttle } = this.#auth.parts;
    const since = locks.lockedAt(account.id);
    const failed = since === undefined ? throttle.lockOf(account.username) : undefined;
    const lock: AccountLock | null = since !== undefined
      ? { by: 'admin', since, until: null }
      : failed ? { by: 'failed_logins', since: null, until: failed.until } : null;
    return { ...account, lock };
  }

  /**
   * Applies `change` to the account `username`; a no-op change answers the account unchanged and
   * records nothing. Synchronous from the checks to the writes, so two admins demoting the last
   * two admins at once cannot both pass the check.
   */
  update(principal: Principal, username: string, change: AccountChange, origin: RequestOrigin): AccountView {
    const { accounts, locks, sessions, throttle, audit } = this.#auth.parts;
    const account = this.#find(username);
    const before = this.view(account);
    const role = change.role ?? account.role;
    const adminLocked = change.locked ?? before.lock?.by === 'admin';

    if (change.locked === true && account.id === principal.account.id) {
      throw new AccountAdminError('conflict', 'locked', 'locked: you cannot lock your own account; ask another admin to do it');
    }
    if (this.#isActiveAdmin(before) && (role !== 'admin' || adminLocked)) {
      const others = accounts.list().filter((other) => other.id !== account.id && this.#isActiveAdmin(this.view(other)));
      if (others.length === 0) {
        const field = role !== 'admin' ? 'role' : 'locked';
        throw new AccountAdminError('conflict', field, `${field}: "${account.username}" is the last unlocked admin; `
          + 'make another account admin first, or nobody could manage accounts and permissions any more');
      }
    }

    if (role !== account.role) accounts.setRole(account.id, role);
    let sessionsEnded = 0;
    if (change.locked === true && before.lock?.by !== 'admin') {
      locks.lock(account.id);
      sessionsEnded = sessions.deleteForUser(account.id);
    } else if (change.locked === false) {
      locks.unlock(account.id);
      throttle.forgive(account.username);
    }

    const after = this.view(accounts.byId(account.id)!);
    const summary = (view: AccountView) => ({ role: view.role, lock: view.lock });
    if (JSON.stringify(summary(before)) !== JSON.stringify(summary(after))) {
      audit.record({
        ...actorOf(principal), ...origin, action: 'user.update', outcome: 'success', target: account.username,
        before: summary(before), after: { ...summary(after), ...(sessionsEnded > 0 ? { sessionsEnded } : {}) },
      });
    }
    return after;
  }

  /**
   * Gives the account a new one-time password that must be changed at the next login, and ends
   * its sessions. Returns the password: show it once, only its hash is kept.
   */
  async resetPassword(principal: Principal, username: string, origin: RequestOrigin): Promise<{ account: AccountView; oneTimePassword: string }> {
    const { accounts, sessions, audit } = this.#auth.parts;
    const account = this.#find(username);
    if (account.id === principal.account.id) {
      throw new AccountAdminError('conflict', 'username', 'username: this is your own account; change your password with POST /api/session/password');
    }
    const oneTimePassword = newOneTimePassword();
    accounts.setPassword(account.id, await this.#auth.hashPassword(oneTimePassword), true);
    const sessionsEnded = sessions.deleteForUser(account.id);
    audit.record({
      ...actorOf(principal), ...origin, action: 'user.password_reset', outcome: 'success', target: account.username,
      before: { mustChangePassword: account.mustChangePassword }, after: { mustChangePassword: true, sessionsEnded },
    });
    return { account: this.view(accounts.byId(account.id)!), oneTimePassword };
  }

  #find(username: string): Account {
    const stored = this.#auth.parts.accounts.byUsername(username);
    if (!stored) throw new AccountAdminError('not_found', 'username', `username: no account "${username}"; GET /api/users lists them`);
    const { passwordHash: _, ...account } = stored;
    return account;
  }

  /** An admin who can act: a lock from failed logins passes, an admin's lock does not. */
  #isActiveAdmin(view: AccountView): boolean {
    return view.role === 'admin' && view.lock?.by !== 'admin';
  }
}
