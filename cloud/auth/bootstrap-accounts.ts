/**
 * The accounts a fresh installation starts with. With `demoUsers`, one documented user per role
 * (README "Demo users and roles"), created if missing. Without, and only while no user exists,
 * one `admin` with a random one-time password that must be changed at first login; the password
 * goes to `announce` (the console), never to the log, and is stored only as its hash.
 */
import { randomBytes } from 'node:crypto';
import type { AuthService } from './auth-service.ts';
import { roleIds, type RoleId } from './permissions.ts';

/** Demo username per role; the password is `<username>-demo`. */
export const demoUsernames: Readonly<Record<RoleId, string>> = {
  admin: 'admin',
  plant_engineer: 'engineer',
  process_expert: 'expert',
  warehouse_operator: 'operator',
  purchasing: 'purchasing',
  sales: 'sales',
  finance: 'finance',
  auditor: 'auditor',
};

export const demoPassword = (username: string) => `${username}-demo`;

export interface BootstrapOptions {
  demoUsers: boolean;
  /** Prints to the operator's console, outside the JSON log. */
  announce: (text: string) => void;
}

/** Returns the usernames created now. */
export async function bootstrapAccounts(service: AuthService, { demoUsers, announce }: BootstrapOptions): Promise<string[]> {
  const { accounts, audit } = service.parts;
  const created: string[] = [];
  if (demoUsers) {
    const missing = roleIds.filter((role) => !accounts.byUsername(demoUsernames[role]));
    const hashes = await Promise.all(missing.map((role) => service.hashPassword(demoPassword(demoUsernames[role]))));
    missing.forEach((role, i) => {
      accounts.create({ username: demoUsernames[role], role, passwordHash: hashes[i]!, mustChangePassword: false });
      created.push(demoUsernames[role]);
    });
  } else if (accounts.count() === 0) {
    const password = randomBytes(15).toString('base64url');
    accounts.create({ username: 'admin', role: 'admin', passwordHash: await service.hashPassword(password), mustChangePassword: true });
    created.push('admin');
    announce([
      '',
      '  First start: created the account "admin" with this one-time password:',
      `      ${password}`,
      '  Log in at the admin UI and choose a new password; this one is shown only now.',
      '',
    ].join('\n'));
  }
  for (const username of created) {
    audit.record({ actor: null, actorKind: 'system', action: 'user.bootstrap', outcome: 'success', target: username,
      after: { role: accounts.byUsername(username)!.role, demo: demoUsers } });
  }
  return created;
}
