/**
 * Factor sets as versions and sandboxes (issue 8, item 4; tables in migration 016): production
 * is the newest published version of a scope, each with who, when and why; a planner opens a
 * sandbox (a copy), edits it freely, compares it (sandbox-comparison.ts) and only then publishes
 * it as the next version. Sandbox edits write only the sandbox table, so they cannot change
 * production; publishing is refused when production moved since the sandbox was opened, so one
 * planner's publish never silently overwrites another's.
 */
import { randomUUID } from 'node:crypto';
import type { SqliteDatabase } from '../store/database.ts';
import { parseFactorSet, type FactorSet } from './factor-model.ts';

export const factorVersionErrorCodes = {
  UNKNOWN_SANDBOX: 'No sandbox with that id (published or discarded sandboxes are gone).',
  STALE_SANDBOX: 'Production changed since the sandbox was opened: open a new sandbox.',
  INVALID_INPUT: 'A field has a value the factor store cannot use.',
} as const;
export type FactorVersionErrorCode = keyof typeof factorVersionErrorCodes;

export class FactorVersionError extends Error {
  constructor(readonly code: FactorVersionErrorCode, message: string, readonly field?: string) {
    super(message);
    this.name = 'FactorVersionError';
  }
}

export interface FactorVersion {
  readonly scope: string;
  readonly version: number;
  readonly factors: FactorSet;
  readonly publishedBy: string;
  /** Epoch ms. */
  readonly publishedAt: number;
  readonly reason: string;
  /** The sandbox it was published from. */
  readonly fromSandbox: string | null;
}

export interface FactorSandbox {
  readonly id: string;
  readonly scope: string;
  /** The production version it copied; null when the scope had none yet. */
  readonly basedOnVersion: number | null;
  readonly factors: FactorSet;
  readonly note: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

interface VersionRow {
  scope: string;
  version: number;
  factors: string;
  published_by: string;
  published_at: number;
  reason: string;
  from_sandbox: string | null;
}

interface SandboxRow {
  id: string;
  scope: string;
  based_on_version: number | null;
  factors: string;
  note: string | null;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

const versionOf = (row: VersionRow): FactorVersion => ({
  scope: row.scope,
  version: row.version,
  factors: JSON.parse(row.factors) as FactorSet,
  publishedBy: row.published_by,
  publishedAt: row.published_at,
  reason: row.reason,
  fromSandbox: row.from_sandbox,
});

const sandboxOf = (row: SandboxRow): FactorSandbox => ({
  id: row.id,
  scope: row.scope,
  basedOnVersion: row.based_on_version,
  factors: JSON.parse(row.factors) as FactorSet,
  note: row.note,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedBy: row.updated_by,
  updatedAt: row.updated_at,
});

function text(field: string, value: unknown, what: string, maxLength = 120): string {
  if (typeof value !== 'string' || value.trim() === '' || value !== value.trim() || value.length > maxLength) {
    throw new FactorVersionError('INVALID_INPUT', `${field}: expected ${what} (1-${maxLength} characters, no surrounding spaces), found ${JSON.stringify(value)}`, field);
  }
  return value;
}

export class FactorVersions {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number,
  ) {}

  /** The version production uses for `scope`: its newest. */
  production(scope: string): FactorVersion | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_factor_version WHERE scope = ? ORDER BY version DESC LIMIT 1').get(scope) as VersionRow | undefined;
    return row === undefined ? undefined : versionOf(row);
  }

  version(scope: string, version: number): FactorVersion | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_factor_version WHERE scope = ? AND version = ?').get(scope, version) as VersionRow | undefined;
    return row === undefined ? undefined : versionOf(row);
  }

  /** Every version of `scope`, newest first: who published what, when and why. */
  history(scope: string): FactorVersion[] {
    return (this.db.prepare('SELECT * FROM forecast_factor_version WHERE scope = ? ORDER BY version DESC').all(scope) as VersionRow[]).map(versionOf);
  }

  /** A copy of production (or an empty set when the scope has none) to edit freely. */
  openSandbox(input: { scope: string; actor: string; note?: string }): FactorSandbox {
    const scope = text('scope', input.scope, 'a scope such as "default" or "class:fresh"');
    const actor = text('actor', input.actor, 'the user opening the sandbox');
    const note = input.note === undefined ? null : text('note', input.note, 'a short note', 500);
    const open = this.db.transaction((): FactorSandbox => {
      const production = this.production(scope);
      const at = this.now();
      const id = randomUUID();
      this.db
        .prepare('INSERT INTO forecast_factor_sandbox (id, scope, based_on_version, factors, note, created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, scope, production?.version ?? null, JSON.stringify(production?.factors ?? { factors: [] }), note, actor, at, actor, at);
      return this.requireSandbox(id);
    });
    return open.immediate();
  }

  sandbox(id: string): FactorSandbox | undefined {
    const row = this.db.prepare('SELECT * FROM forecast_factor_sandbox WHERE id = ?').get(id) as SandboxRow | undefined;
    return row === undefined ? undefined : sandboxOf(row);
  }

  /** Open sandboxes, of one scope or all, oldest first. */
  sandboxes(scope?: string): FactorSandbox[] {
    const rows = scope === undefined
      ? this.db.prepare('SELECT * FROM forecast_factor_sandbox ORDER BY created_at, id').all()
      : this.db.prepare('SELECT * FROM forecast_factor_sandbox WHERE scope = ? ORDER BY created_at, id').all(scope);
    return (rows as SandboxRow[]).map(sandboxOf);
  }

  /** Replaces the sandbox's factors (checked by the factor schema); production is untouched. */
  editSandbox(id: string, input: { factors: unknown; actor: string }): FactorSandbox {
    const actor = text('actor', input.actor, 'the user editing the sandbox');
    const factors = parseFactorSet(input.factors);
    const changed = this.db
      .prepare('UPDATE forecast_factor_sandbox SET factors = ?, updated_by = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(factors), actor, this.now(), id).changes;
    if (changed === 0) throw this.unknownSandbox(id);
    return this.requireSandbox(id);
  }

  /** Makes the sandbox the scope's next production version and removes it. */
  publish(id: string, input: { actor: string; reason: string }): FactorVersion {
    const actor = text('actor', input.actor, 'the user publishing');
    const reason = text('reason', input.reason, 'why the factors change, for the version history', 1000);
    const publish = this.db.transaction((): FactorVersion => {
      const sandbox = this.requireSandbox(id);
      const production = this.production(sandbox.scope);
      if ((production?.version ?? null) !== sandbox.basedOnVersion) {
        throw new FactorVersionError(
          'STALE_SANDBOX',
          `sandbox ${id} copied version ${sandbox.basedOnVersion ?? 'none'} of "${sandbox.scope}" but production is now version ${production!.version} (published by ${production!.publishedBy}: ${production!.reason}); open a new sandbox and redo the edit there`,
          'id',
        );
      }
      // Re-checked: the stored JSON is what production will run with.
      const factors = parseFactorSet(sandbox.factors);
      const version = (production?.version ?? 0) + 1;
      this.db
        .prepare('INSERT INTO forecast_factor_version (scope, version, factors, published_by, published_at, reason, from_sandbox) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(sandbox.scope, version, JSON.stringify(factors), actor, this.now(), reason, id);
      this.db.prepare('DELETE FROM forecast_factor_sandbox WHERE id = ?').run(id);
      return this.version(sandbox.scope, version)!;
    });
    return publish.immediate();
  }

  /** Throws the sandbox away unpublished. */
  discardSandbox(id: string): void {
    if (this.db.prepare('DELETE FROM forecast_factor_sandbox WHERE id = ?').run(id).changes === 0) throw this.unknownSandbox(id);
  }

  private requireSandbox(id: string): FactorSandbox {
    const sandbox = this.sandbox(id);
    if (sandbox === undefined) throw this.unknownSandbox(id);
    return sandbox;
  }

  private unknownSandbox(id: string): FactorVersionError {
    return new FactorVersionError('UNKNOWN_SANDBOX', `id: no open sandbox ${JSON.stringify(id)}; list them with sandboxes() or open one`, 'id');
  }
}
