/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard coefficients:
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5). ETS fits its three or four smoothing
 * parameters with it: the in-sample error is cheap to evaluate but has no handy gradient, and a
 * few hundred evaluations are enough at this size.
 */

export interface MinimumFound {
  readonly point: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

export interface NelderMeadOptions {
  /** Size of the first simplex's steps from `start` along each axis. */
  readonly step?: number;
  readonly maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this. */
  readonly tolerance?: number;
}

export function nelderMead(objective: (point: Float64Array) => number, start: ArrayLike<number>, options: NelderMeadOptions = {}): MinimumFound {
  const dimensions = start.length;
  const step = options.step ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 200 * dimensions;
  const tolerance = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const evaluate = (point: Float64Array): number => {
    evaluations++;
    const value = objective(point);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  const simplex = Array.from({ length: dimensions + 1 }, (_, vertex) => {
    const point = Float64Array.from(start);
    if (vertex > 0) point[vertex - 1]! += step;
    return { point, value: evaluate(point) };
  });
  const along = (from: Float64Array, to: Float64Array, factor: number) => Float64Array.from(from, (value, i) => value + factor * (to[i]! - value));

  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[dimensions]!;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = new Float64Array(dimensions);
    for (let vertex = 0; vertex < dimensions; vertex++) for (let i = 0; i < dimensions; i++) centroid[i]! += simplex[vertex]!.point[i]! / dimensions;
    const reflected = along(centroid, worst.point, -1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < best.value) {
      const expanded = along(centroid, worst.point, -2);
      const expandedValue = evaluate(expanded);
      simplex[dimensions] = expandedValue < reflectedValue ? { point: expanded, value: expandedValue } : { point: reflected, value: reflectedValue };
    } else if (reflectedValue < simplex[dimensions - 1]!.value) {
      simplex[dimensions] = { point: reflected, value: reflectedValue };
    } else {
      const outside = reflectedValue < worst.value;
      const contracted = along(centroid, outside ? reflected : worst.point, 0.5);
      const contractedValue = evaluate(contracted);
      if (contractedValue < Math.min(reflectedValue, worst.value)) simplex[dimensions] = { point: contracted, value: contractedValue };
      else {
        for (let vertex = 1; vertex <= dimensions; vertex++) {
          const point = along(best.point, simplex[vertex]!.point, 0.5);
          simplex[vertex] = { point, value: evaluate(point) };
        }
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return { point: simplex[0]!.point, value: simplex[0]!.value, evaluations };
}
