/**
 * Life warnings (DESIGN.md tooling: warn at 8500 of a 9000-shot life): every asset in use whose
 * shots reached its warning threshold (warning) or its life (over life), in words a toolmaker
 * reads at a glance, each with its replacement recommendation. Computed on read from the shots
 * the counter feed keeps, so a warning is never stale and needs no acknowledging.
 */
import { assetLabel } from './asset-validation.ts';
import type { Replacements } from './replacements.ts';
import type { LifeWarning, ToolingAsset } from './tooling-types.ts';

export interface LifeWarningDeps {
  assets: { all(): Map<string, ToolingAsset> };
  replacements: Pick<Replacements, 'recommend'>;
}

const shotsText = (n: number) => n.toLocaleString('en-US');

/** e.g. `insert INS-0042 on mold M-100 (IMM-01) has 8,512 of 9,000 shots (95%): plan its replacement`. */
export function warningMessage(asset: ToolingAsset): string {
  const where = asset.kind === 'mold'
    ? (asset.machine ? ` (${asset.machine})` : '')
    : asset.motherMold ? ` on mold ${asset.motherMold}${asset.machine ? ` (${asset.machine})` : ''}` : '';
  const action = asset.lifeState === 'over_life' ? 'over its life: replace it now' : 'plan its replacement';
  return `${assetLabel(asset)}${where} has ${shotsText(asset.shots)} of ${shotsText(asset.lifeShots!)} shots (${asset.lifePct}%): ${action}`;
}

export class LifeWarnings {
  readonly #deps: LifeWarningDeps;

  constructor(deps: LifeWarningDeps) {
    this.#deps = deps;
  }

  /** Warnings for assets in service (spares, scrapped ones and those in maintenance are not running), over life first, then by life %. */
  list(toleranceUmPerMK?: number): LifeWarning[] {
    const all = this.#deps.assets.all();
    const due = [...all.values()]
      .filter((a) => a.status === 'in_service' && a.lifeState !== 'ok' && a.lifeShots !== null)
      .sort((a, b) => (a.lifeState === b.lifeState ? 0 : a.lifeState === 'over_life' ? -1 : 1) || b.lifePct! - a.lifePct! || a.id.localeCompare(b.id));
    return due.map((asset) => ({
      assetId: asset.id, kind: asset.kind, serial: asset.serial, state: asset.lifeState as LifeWarning['state'],
      shots: asset.shots, lifeShots: asset.lifeShots!, warnAtShots: asset.warnAtShots, lifePct: asset.lifePct!,
      motherMold: asset.motherMold, machine: asset.machine, message: warningMessage(asset),
      recommendation: this.#deps.replacements.recommend(asset.id, toleranceUmPerMK, all),
    }));
  }
}
