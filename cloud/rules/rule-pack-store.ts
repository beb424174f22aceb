/**
 * Where the cloud keeps its rule pack: every version with its source, the glossary it was
 * compiled against, its compile and example results and its stage; the stage history; and per
 * gateway the desired deployment (which version runs live, which in shadow) beside what the
 * gateway last reported. sqlite-rule-pack-store.ts keeps it in the cloud's SQLite file
 * (migration 009).
 *
 * One pack per cloud: a site releases one rule pack (rules/rule-pack.ts), its versions numbered
 * 1, 2, 3, ... by the cloud.
 */
import type { PackRef } from '../../connectors/edge-link/index.ts';

export const ruleStages = ['sandbox', 'shadow', 'grey', 'production', 'retired'] as const;
export type RuleStage = (typeof ruleStages)[number];

/** What a stage-history row records: how the version got to its stage. */
export type StageAction = 'create' | 'seed' | 'shadow' | 'grey' | 'production' | 'rollback' | 'retire';

export interface GatewayRef {
  group: string;
  edge: string;
}

/** A rule of a pack as the expert wrote it (rules/rule-pack.ts RuleSource). */
export interface StoredRuleSource {
  id: string;
  title?: string;
  en?: string;
  zh?: string;
  examples: unknown[];
}

/** One rule's compile result: what it reads; the AST is recomputed from the source when needed. */
export interface RuleCompileSummary {
  id: string;
  inputs: string[];
}

/** One example's outcome, as rules/compile-pack.ts runPackExamples reports it. */
export interface StoredExampleResult {
  rule: string;
  name: string;
  passed: boolean;
  /** The runner's detail (what was expected, what happened), kept as it was. */
  detail: unknown;
}

export interface PackVersion {
  version: number;
  pack: string;
  facts: Record<string, number | boolean | string>;
  rules: StoredRuleSource[];
  /** The glossary object the version was compiled against (deployed with it). */
  glossary: Record<string, unknown>;
  glossaryVersion: number;
  astVersion: number;
  createdBy: string;
  createdAt: number;
  stage: RuleStage;
  compiled: RuleCompileSummary[];
  examples: StoredExampleResult[];
  /** Every example of every rule passed: only then may the version leave the sandbox. */
  examplesPassed: boolean;
}

/** `version` defaults to nextVersion(); a seed pack keeps its file's number. */
export type NewPackVersion = Omit<PackVersion, 'version' | 'createdAt' | 'stage'> & { version?: number; stage?: RuleStage };

export interface StageChange {
  version: number;
  action: StageAction;
  from: RuleStage | null;
  to: RuleStage;
  by: string;
  at: number;
  gateways: GatewayRef[];
}

export type DeploymentStatus = 'pending' | 'applied' | 'failed';

export interface Deployment extends GatewayRef {
  /** Desired: the version that runs live, or null for none. */
  activeVersion: number | null;
  /** Desired: the version that runs beside it with effects only logged, or null. */
  shadowVersion: number | null;
  /** pending until the gateway acknowledges the desired state; failed when it refused it. */
  status: DeploymentStatus;
  error: string | null;
  changedBy: string;
  changedAt: number;
  settledAt: number | null;
  /** What the gateway last said it runs (its rules.apply answer or its config report). */
  reported: { active: PackRef | null; shadow: PackRef | null } | null;
  reportedAt: number | null;
}

export interface DesiredRules {
  activeVersion: number | null;
  shadowVersion: number | null;
}

export interface RulePackStore {
  /** The number the next version gets: one above the highest (1 for an empty store). */
  nextVersion(): number;
  /** Stores a version (stage sandbox unless given) and its first stage-history row. */
  create(entry: NewPackVersion, action: 'create' | 'seed'): PackVersion;
  get(version: number): PackVersion | undefined;
  /** Newest first. */
  list(): PackVersion[];
  /** Moves a version to a stage and records why, by whom and on which gateways. */
  setStage(version: number, to: RuleStage, change: { action: StageAction; by: string; gateways: GatewayRef[] }): void;
  /** Oldest first; of one version, or of all. */
  history(version?: number): StageChange[];
  deployments(): Deployment[];
  deployment(group: string, edge: string): Deployment | undefined;
  /** Sets a gateway's desired state; pending until settled. */
  setDesired(gateway: GatewayRef, desired: DesiredRules, by: string): Deployment;
  /** Settles the desired state, unless it changed meanwhile (a later push answers for itself). */
  settle(gateway: GatewayRef, desired: DesiredRules, outcome: { status: 'applied'; reported: Deployment['reported'] } | { status: 'failed'; error: string }): void;
  /** What a gateway reported it runs; a report equal to the desired state settles it as applied. */
  recordReport(gateway: GatewayRef, reported: NonNullable<Deployment['reported']>): Deployment | undefined;
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T;
}
