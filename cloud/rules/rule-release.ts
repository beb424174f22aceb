/**
 * Releasing the site's rule pack (docs/rule-release.md): create a version (compiled, examples
 * run), shadow it beside the active version, promote it to grey (active on chosen gateways) or
 * production (active everywhere), roll production back. Each gateway's desired state
 * `{ active, shadow }` goes out as `rules.apply` through the edge link and is settled by the
 * gateway's acknowledgement; a gateway that was away, or reports other versions than desired,
 * gets it again when it reports (as cloud/rollout/gateway-rollout.ts does for connectors).
 *
 * Audit entries are the routes' part (they know the caller's address); the seed is audited by the
 * composition root.
 */
import { AST_VERSION } from '../../rules/ast.ts';
import type { Glossary } from '../../rules/glossary.ts';
import { rulePackSchema } from '../../rules/rule-pack.ts';
import {
  rulesReportSchema, type ConfigReport, type DeployedPack, type EdgeAck, type RulesApplyArgs, type RulesReport,
} from '../../connectors/edge-link/index.ts';
import type { EdgeLinkClient } from '../rollout/edge-link-client.ts';
import type { PackCompiler, PackProblem } from './pack-compiler.ts';
import type { Deployment, DesiredRules, GatewayRef, PackVersion, RulePackStore, StageChange } from './rule-pack-store.ts';

export interface RuleReleaseOptions {
  store: RulePackStore;
  /** The site glossary every new version is compiled against (config rules.glossary). */
  glossary: Glossary;
  compiler: PackCompiler;
  link: () => EdgeLinkClient | undefined;
  /** Every gateway this cloud knows (those that reported a configuration). */
  gateways: () => GatewayRef[];
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** Wait for a rules.apply acknowledgement; default 15 s (the gateway compiles both packs first). */
  applyTimeoutMs?: number;
}

export interface NewPackInput {
  pack: string;
  rules: unknown[];
  facts?: Record<string, unknown>;
}

export interface DeploymentView extends Deployment {
  /** What the gateway last reported is the desired state. */
  inSync: boolean;
}

export interface ReleaseOutcome {
  version: number;
  stage: PackVersion['stage'];
  deployments: DeploymentView[];
}

export class RulesInvalidError extends Error {
  constructor(readonly problems: PackProblem[]) {
    super(`${problems.length} problem(s) in the rule pack: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'RulesInvalidError';
  }
}

export class UnknownPackVersionError extends Error {
  constructor(version: number, known: number[]) {
    super(`there is no rule pack version ${version}; ${known.length > 0 ? `versions are ${known.join(', ')}` : 'none exists yet'} (GET /api/rules/packs lists them)`);
    this.name = 'UnknownPackVersionError';
  }
}

/** A release step the version's state does not allow; `field` names what to change. */
export class ReleaseConflictError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'ReleaseConflictError';
  }
}

export class UnknownGatewaysError extends Error {
  constructor(readonly unknown: GatewayRef[]) {
    super(`no gateway ${unknown.map((g) => `${g.group}/${g.edge}`).join(', ')} has reported to this cloud; GET /api/gateways lists the known ones`);
    this.name = 'UnknownGatewaysError';
  }
}

const key = (g: GatewayRef) => `${g.group}/${g.edge}`;
const refVersion = (ref: { version: number } | null | undefined) => ref?.version ?? null;

export class RuleRelease {
  readonly #o: RuleReleaseOptions;

  constructor(options: RuleReleaseOptions) {
    this.#o = options;
  }

  glossary(): Glossary {
    return this.#o.glossary;
  }

  list(): PackVersion[] {
    return this.#o.store.list();
  }

  get(version: number): PackVersion {
    const found = this.#o.store.get(version);
    if (!found) throw new UnknownPackVersionError(version, this.#o.store.list().map((v) => v.version).reverse());
    return found;
  }

  history(version: number): StageChange[] {
    return this.#o.store.history(version);
  }

  /** The version now at production, or null. */
  production(): number | null {
    return this.#productionLine().at(-1) ?? null;
  }

  /**
   * Checks, compiles and stores a new version at sandbox with its example results. Throws
   * RulesInvalidError with every problem (nothing stored).
   */
  create(input: NewPackInput, by: string): PackVersion {
    const existing = this.#o.store.list()[0];
    if (existing && input.pack !== existing.pack) {
      throw new RulesInvalidError([{ path: 'pack', message: `this cloud releases the pack "${existing.pack}"; found "${input.pack}"` }]);
    }
    return this.#compileAndStore({ pack: input.pack, version: this.#o.store.nextVersion(), facts: input.facts ?? {}, rules: input.rules }, by, 'create');
  }

  /**
   * On a first start with an empty store: the seed pack (a `*.rules.yaml` file's content) becomes
   * its own version at production, created by `system`. Undefined when the store has versions.
   */
  seed(raw: unknown): PackVersion | undefined {
    if (this.#o.store.list().length > 0) return undefined;
    const version = (raw as { version?: unknown } | null)?.version;
    const { glossary: _glossary, ...source } = (raw ?? {}) as Record<string, unknown>;
    return this.#compileAndStore({ ...source, version }, 'system', 'seed');
  }

  /** Runs `version` in shadow beside each gateway's active version, on `gateways` or every known one. */
  async shadow(version: number, gateways: GatewayRef[] | undefined, by: string): Promise<ReleaseOutcome> {
    const pack = this.get(version);
    if (pack.stage !== 'sandbox' && pack.stage !== 'shadow') {
      throw new ReleaseConflictError('version', `version ${version} is at ${pack.stage}; only a sandbox or shadow version can run in shadow`);
    }
    const targets = this.#targets(gateways);
    const changes = targets.map((g) => ({ gateway: g, desired: { activeVersion: this.#desiredOf(g).activeVersion, shadowVersion: version } }));
    this.#o.store.transaction(() => {
      this.#o.store.setStage(version, 'shadow', { action: 'shadow', by, gateways: targets });
      for (const { gateway, desired } of changes) this.#o.store.setDesired(gateway, desired, by);
    });
    return this.#deliverAll(version, targets, by);
  }

  /** Makes `version` active on chosen gateways (grey) or on every known gateway (production). */
  async promote(version: number, stage: 'grey' | 'production', gateways: GatewayRef[] | undefined, by: string): Promise<ReleaseOutcome> {
    const pack = this.get(version);
    if (!pack.examplesPassed) {
      const failed = pack.examples.filter((e) => !e.passed).map((e) => `${e.rule}: "${e.name}"`);
      throw new ReleaseConflictError('version', `version ${version} stays in the sandbox: its examples fail (${failed.join('; ')}); fix the rules or the examples and create a new version`);
    }
    if (pack.stage === 'retired' || pack.stage === 'production') {
      throw new ReleaseConflictError('version', `version ${version} is ${pack.stage}; promote a sandbox, shadow or grey version (POST /api/rules/rollback brings back the previous production version)`);
    }
    if (stage === 'grey' && (!gateways || gateways.length === 0)) {
      throw new ReleaseConflictError('gateways', 'grey needs the gateways to run it on, e.g. [{ "group": "demo-plant", "edge": "gw-cold-room-1" }]; promote to production for every gateway');
    }
    if (stage === 'production' && gateways) {
      throw new ReleaseConflictError('gateways', 'production runs on every gateway; leave gateways out, or promote to grey for some');
    }
    const targets = stage === 'grey' ? this.#targets(gateways) : this.#known();
    const previous = stage === 'production' ? this.production() : null;
    this.#o.store.transaction(() => {
      this.#o.store.setStage(version, stage, { action: stage, by, gateways: targets });
      if (previous !== null) this.#o.store.setStage(previous, 'retired', { action: 'retire', by, gateways: [] });
      for (const g of targets) {
        const shadow = this.#desiredOf(g).shadowVersion;
        this.#o.store.setDesired(g, { activeVersion: version, shadowVersion: shadow === version ? null : shadow }, by);
      }
      this.#retireUnused(by);
    });
    return this.#deliverAll(version, targets, by);
  }

  /** The production version before the current one runs everywhere again; the current one is retired. */
  async rollback(by: string): Promise<ReleaseOutcome & { retired: number }> {
    const line = this.#productionLine();
    const current = line.at(-1);
    const previous = line.at(-2);
    if (current === undefined || previous === undefined) {
      throw new ReleaseConflictError('version', current === undefined
        ? 'no version is at production; there is nothing to roll back'
        : `version ${current} is the first production version; there is no earlier one to roll back to`);
    }
    const targets = this.#known();
    this.#o.store.transaction(() => {
      this.#o.store.setStage(current, 'retired', { action: 'rollback', by, gateways: targets });
      this.#o.store.setStage(previous, 'production', { action: 'rollback', by, gateways: targets });
      for (const g of targets) {
        const shadow = this.#desiredOf(g).shadowVersion;
        this.#o.store.setDesired(g, { activeVersion: previous, shadowVersion: shadow === previous || shadow === current ? null : shadow }, by);
      }
      this.#retireUnused(by);
    });
    return { ...(await this.#deliverAll(previous, targets, by)), retired: current };
  }

  deployments(): DeploymentView[] {
    return this.#o.store.deployments().map(view);
  }

  /**
   * A gateway said what it runs. A gateway seen for the first time gets the production version;
   * one that runs other versions than desired gets the desired state again (unless it refused it).
   */
  onReport(group: string, edge: string, report: ConfigReport): void {
    const gateway = { group, edge };
    // A gateway without a rules runtime reports none: it is sent the desired state all the same,
    // and a refusal (an unknown command) settles as failed, so it is not sent again at every report.
    const reported: RulesReport = report.rules ?? { active: null, shadow: null };
    let deployment = this.#o.store.recordReport(gateway, reported);
    if (!deployment) {
      const production = this.production();
      if (production === null) return;
      this.#o.store.setDesired(gateway, { activeVersion: production, shadowVersion: null }, 'system');
      deployment = this.#o.store.recordReport(gateway, reported)!;
    }
    if (deployment.status === 'failed' || view(deployment).inSync) return;
    this.#o.logger.info({ group, edge, desired: { active: deployment.activeVersion, shadow: deployment.shadowVersion }, reported }, 'sending the desired rule packs again');
    this.#deliver(gateway, { activeVersion: deployment.activeVersion, shadowVersion: deployment.shadowVersion }, deployment.changedBy).catch(() => {});
  }

  /** The packs as a gateway receives them: source rules with the glossary they were compiled against. */
  deployedPack(version: number | null): DeployedPack | null {
    if (version === null) return null;
    const pack = this.get(version);
    return {
      pack: pack.pack, version: pack.version, glossary: pack.glossary, facts: pack.facts,
      rules: pack.rules.map(({ id, en, zh }) => ({ id, ...(en !== undefined ? { en } : {}), ...(zh !== undefined ? { zh } : {}) })),
    };
  }

  #compileAndStore(candidate: Record<string, unknown>, by: string, action: 'create' | 'seed'): PackVersion {
    const parsed = rulePackSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new RulesInvalidError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
    }
    const source = parsed.data;
    const result = this.#o.compiler.compile(source, this.#o.glossary);
    if (!result.ok) throw new RulesInvalidError(result.problems);
    const examplesPassed = result.examples.every((e) => e.passed);
    if (action === 'seed' && !examplesPassed) {
      this.#o.logger.warn({ failed: result.examples.filter((e) => !e.passed).map((e) => `${e.rule}: ${e.name}`) }, 'the seed rule pack has failing examples; it runs at production all the same, as configured');
    }
    return this.#o.store.create({
      ...(action === 'seed' ? { version: source.version, stage: 'production' as const } : {}),
      pack: source.pack,
      facts: source.facts,
      rules: source.rules.map((r) => ({ ...r, examples: r.examples as unknown[] })),
      glossary: this.#o.glossary as unknown as Record<string, unknown>,
      glossaryVersion: this.#o.glossary.version,
      astVersion: AST_VERSION,
      createdBy: by,
      compiled: result.rules,
      examples: result.examples,
      examplesPassed,
    }, action);
  }

  /**
   * The versions that were production, in order, from the stage history: each seed or promotion
   * pushes one, each rollback takes the top one off. The last is production now.
   */
  #productionLine(): number[] {
    const line: number[] = [];
    for (const change of this.#o.store.history()) {
      if (change.to === 'production' && (change.action === 'seed' || change.action === 'production')) line.push(change.version);
      if (change.action === 'rollback' && change.to === 'retired' && line.at(-1) === change.version) line.pop();
    }
    return line;
  }

  /** Grey and shadow versions no longer desired on any gateway are retired (nothing runs them). */
  #retireUnused(by: string): void {
    const used = new Set(this.#o.store.deployments().flatMap((d) => [d.activeVersion, d.shadowVersion]));
    for (const pack of this.#o.store.list()) {
      if (pack.stage === 'grey' && !used.has(pack.version)) this.#o.store.setStage(pack.version, 'retired', { action: 'retire', by, gateways: [] });
    }
  }

  #desiredOf(gateway: GatewayRef): DesiredRules {
    const current = this.#o.store.deployment(gateway.group, gateway.edge);
    return current ? { activeVersion: current.activeVersion, shadowVersion: current.shadowVersion } : { activeVersion: this.production(), shadowVersion: null };
  }

  /** Every gateway that reported a configuration or has a deployment. */
  #known(): GatewayRef[] {
    const all = new Map<string, GatewayRef>();
    for (const g of [...this.#o.gateways(), ...this.#o.store.deployments()]) all.set(key(g), { group: g.group, edge: g.edge });
    return [...all.values()].sort((a, b) => key(a).localeCompare(key(b)));
  }

  #targets(gateways: GatewayRef[] | undefined): GatewayRef[] {
    const known = this.#known();
    if (!gateways || gateways.length === 0) return known;
    const knownKeys = new Set(known.map(key));
    const unknown = gateways.filter((g) => !knownKeys.has(key(g)));
    if (unknown.length > 0) throw new UnknownGatewaysError(unknown);
    return [...new Map(gateways.map((g) => [key(g), { group: g.group, edge: g.edge }])).values()];
  }

  async #deliverAll(version: number, targets: GatewayRef[], by: string): Promise<ReleaseOutcome> {
    await Promise.all(targets.map((g) => {
      const d = this.#o.store.deployment(g.group, g.edge)!;
      return this.#deliver(g, { activeVersion: d.activeVersion, shadowVersion: d.shadowVersion }, by);
    }));
    const keys = new Set(targets.map(key));
    return { version, stage: this.get(version).stage, deployments: this.deployments().filter((d) => keys.has(key(d))) };
  }

  /** One rules.apply; settles the deployment by the answer, or leaves it pending when none comes. */
  async #deliver(gateway: GatewayRef, desired: DesiredRules, by: string): Promise<void> {
    const link = this.#o.link();
    if (!link) return;
    const args: RulesApplyArgs = { active: this.deployedPack(desired.activeVersion), shadow: this.deployedPack(desired.shadowVersion) };
    let ack: EdgeAck;
    try {
      ack = await link.send(gateway.group, gateway.edge, 'rules.apply', args as unknown as Record<string, unknown>, { by, timeoutMs: this.#o.applyTimeoutMs ?? 15_000 });
    } catch (error) {
      this.#o.logger.warn({ err: error, ...gateway, desired }, 'rules.apply not acknowledged; it stays pending and is sent again when the gateway reports');
      return;
    }
    if (ack.ok) {
      const result = rulesReportSchema.safeParse(ack.result);
      const pack = this.#o.store.list()[0]?.pack ?? '';
      const reported = result.success ? result.data : {
        active: desired.activeVersion === null ? null : { pack, version: desired.activeVersion },
        shadow: desired.shadowVersion === null ? null : { pack, version: desired.shadowVersion },
      };
      this.#o.store.settle(gateway, desired, { status: 'applied', reported });
    } else {
      this.#o.store.settle(gateway, desired, { status: 'failed', error: `${ack.error.code}: ${ack.error.message}` });
    }
  }
}

function view(d: Deployment): DeploymentView {
  const inSync = d.reported !== null && refVersion(d.reported.active) === d.activeVersion && refVersion(d.reported.shadow) === d.shadowVersion;
  return { ...d, inSync };
}
