/**
 * The scenario permissions the cloud last sent (`permissions.sync`): which role may scan and which
 * overrides it may use, for decisions the gateway takes while the cloud is away. Kept in
 * `<dataDir>/scenario-permissions.json`, written atomically; read back at start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioPermissionsHash, type ScenarioPermissions } from '../connectors/edge-link/index.ts';
import { writeFileAtomic } from './pushed-config.ts';

export interface HeldScenarioPermissions {
  hash: string;
  roles: ScenarioPermissions;
  receivedAt: number;
}

const fileOf = (dataDir: string) => join(dataDir, 'scenario-permissions.json');

export class ScenarioPermissionStore {
  readonly #dataDir: string;
  #held: HeldScenarioPermissions | undefined;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    try {
      const held = JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as HeldScenarioPermissions;
      // A file that does not match its own hash is not trusted; the cloud sends it again.
      if (held && typeof held.roles === 'object' && scenarioPermissionsHash(held.roles) === held.hash) this.#held = held;
    } catch {
      this.#held = undefined;
    }
  }

  current(): HeldScenarioPermissions | undefined {
    return this.#held;
  }

  /** Whether `role` may do `permission` by the last permissions received; false when none were. */
  allows(role: string, permission: string): boolean {
    return this.#held?.roles[role]?.includes(permission) ?? false;
  }

  replace(roles: ScenarioPermissions, now: number): HeldScenarioPermissions {
    const held = { hash: scenarioPermissionsHash(roles), roles, receivedAt: now };
    writeFileAtomic(fileOf(this.#dataDir), JSON.stringify(held, null, 2));
    this.#held = held;
    return held;
  }
}
