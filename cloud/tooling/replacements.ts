/**
 * The replacement recommendation (DESIGN.md tooling): for a worn asset, the spares of the same
 * kind (and part number, when it has one) whose thermal expansion coefficient is within a
 * tolerance of the MOTHER MOLD's, with life left, ranked by |delta CTE| then remaining life. An
 * insert that expands differently from the steel around it binds or flashes when the mold is hot,
 * so the mother mold's CTE is the reference, not the worn insert's. Every spare of the kind left
 * out is listed with why, the last three inspection reports come along, and the maintenance
 * window comes from the schedule part when it is there.
 */
import type { MaintenanceWindow } from './maintenance-window.ts';
import { assetLabel } from './asset-validation.ts';
import type { Inspections } from './inspections.ts';
import { ToolingError } from './tooling-errors.ts';
import type { ExcludedSpare, ReplacementCandidate, ReplacementRecommendation, ToolingAsset } from './tooling-types.ts';

/** µm/(m·K): about what separates two heats of the same tool steel grade. */
export const DEFAULT_CTE_TOLERANCE = 0.5;
/** Enough to see a trend (wear growing, a crack appearing) without the whole history. */
export const INSPECTIONS_SHOWN = 3;

export interface ReplacementDeps {
  assets: { all(): Map<string, ToolingAsset> };
  inspections: Pick<Inspections, 'list'>;
  /** The schedule part's window for replacing the asset; null (or absent) without one. */
  planWindow?: (asset: ToolingAsset) => MaintenanceWindow | null;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const shotsText = (n: number) => n.toLocaleString('en-US');

export class Replacements {
  readonly #deps: ReplacementDeps;

  constructor(deps: ReplacementDeps) {
    this.#deps = deps;
  }

  /** The recommendation for `assetId`; `all` lets a caller with every asset at hand (the warnings) pass them. */
  recommend(assetId: string, toleranceUmPerMK = DEFAULT_CTE_TOLERANCE, all = this.#deps.assets.all()): ReplacementRecommendation {
    const asset = all.get(assetId);
    if (!asset) throw new ToolingError('UNKNOWN_ASSET', 'id', `id: no asset ${JSON.stringify(assetId)}; GET /api/tooling/assets lists them`);
    if (!Number.isFinite(toleranceUmPerMK) || toleranceUmPerMK < 0) {
      throw new ToolingError('INVALID_INPUT', 'toleranceUmPerMK', `toleranceUmPerMK: ${toleranceUmPerMK} is not a tolerance; send µm/(m·K) >= 0 (default ${DEFAULT_CTE_TOLERANCE})`);
    }
    const mother = asset.motherMold === null ? undefined : all.get(asset.motherMold);
    const referenceCte = mother?.cteUmPerMK ?? null;
    const candidates: ReplacementCandidate[] = [];
    const excluded: ExcludedSpare[] = [];
    for (const spare of all.values()) {
      if (spare.id === asset.id || spare.status !== 'spare' || spare.kind !== asset.kind) continue;
      const out = (reason: string) => excluded.push({ id: spare.id, reason });
      if (asset.partNumber !== null && spare.partNumber !== asset.partNumber) {
        out(`part number ${spare.partNumber ?? 'none'}, not ${asset.partNumber}`);
        continue;
      }
      const remainingShots = spare.lifeShots === null ? null : spare.lifeShots - spare.shots;
      if (remainingShots !== null && remainingShots <= 0) {
        out(`no life left (${shotsText(spare.shots)} of ${shotsText(spare.lifeShots!)} shots)`);
        continue;
      }
      if (spare.cteUmPerMK === null) {
        out('no thermal expansion coefficient recorded');
        continue;
      }
      if (referenceCte === null) continue; // nothing to compare with: said once in the advice
      const delta = round3(Math.abs(spare.cteUmPerMK - referenceCte));
      if (delta > toleranceUmPerMK) {
        out(`CTE ${spare.cteUmPerMK} is ${delta} from the mother mold's ${referenceCte} µm/(m·K), outside the tolerance of ${toleranceUmPerMK}`);
        continue;
      }
      candidates.push({
        id: spare.id, serial: spare.serial, name: spare.name, location: spare.location, cteUmPerMK: spare.cteUmPerMK, deltaCteUmPerMK: delta,
        shots: spare.shots, lifeShots: spare.lifeShots, remainingShots,
      });
    }
    candidates.sort((a, b) => a.deltaCteUmPerMK - b.deltaCteUmPerMK
      || (b.remainingShots ?? -1) - (a.remainingShots ?? -1)
      || a.id.localeCompare(b.id));
    return {
      assetId: asset.id,
      motherMold: mother ? { id: mother.id, cteUmPerMK: mother.cteUmPerMK } : null,
      toleranceUmPerMK,
      candidates,
      excluded,
      advice: adviceFor(asset, mother, candidates, toleranceUmPerMK),
      lastInspections: this.#deps.inspections.list(asset.id, INSPECTIONS_SHOWN),
      maintenanceWindow: this.#deps.planWindow?.(asset) ?? null,
    };
  }
}

function adviceFor(asset: ToolingAsset, mother: ToolingAsset | undefined, candidates: readonly ReplacementCandidate[], tolerance: number): string {
  const what = `${asset.kind.replace('_', '-')}${asset.partNumber ? ` of part ${asset.partNumber}` : ''}`;
  if (!mother) return `${assetLabel(asset)} sits in no mold, so there is no mother mold to match; any spare ${what} with life left will do.`;
  if (mother.cteUmPerMK === null) {
    return `The mother mold ${mother.id} has no thermal expansion coefficient recorded, so no spare can be matched: record its cteUmPerMK (from its material certificate) and ask again.`;
  }
  const best = candidates[0];
  if (!best) {
    return `No spare ${what} matches the mother mold ${mother.id} (CTE ${mother.cteUmPerMK} ± ${tolerance} µm/(m·K)) with life left: buy one, specifying a CTE of ${mother.cteUmPerMK} µm/(m·K) (certificate with the material grade and heat treatment).`;
  }
  const life = best.remainingShots === null ? 'no life limit recorded' : `${shotsText(best.remainingShots)} shots of life left`;
  const more = candidates.length > 1 ? ` ${candidates.length - 1} more fit${candidates.length === 2 ? 's' : ''}: ${candidates.slice(1).map((c) => c.id).join(', ')}.` : '';
  return `Replace ${assetLabel(asset)} with ${best.id} (serial ${best.serial}${best.location ? `, at ${best.location}` : ''}): CTE ${best.cteUmPerMK} µm/(m·K), ${best.deltaCteUmPerMK} from the mother mold ${mother.id}'s ${mother.cteUmPerMK}, ${life}.${more}`;
}
