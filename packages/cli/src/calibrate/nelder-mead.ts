/**
 * Nelder–Mead in the unit cube: the simplex moves freely; a point outside
 * [0, 1]ⁿ is scored at its projection onto the cube plus a penalty growing
 * with its distance, so the search can slide along a bound without
 * collapsing onto it. Deterministic: the same start gives the same path.
 * @module
 */

/** A point and its loss. */
export interface Scored {
  readonly x: readonly number[];
  readonly v: number;
}

/** A point of the simplex: its loss with the wall penalty (what the search compares) and without (what `f` said). */
interface Vertex extends Scored {
  readonly raw: number;
}

/** A coordinate projected into [0, 1]. */
export function clamp01(y: number): number {
  return Math.min(1, Math.max(0, y));
}

/** Loss per unit of squared distance outside the cube. */
const WALL = 10;

/**
 * Minimise `f` over [0, 1]ⁿ from `x0` with an initial simplex of side
 * `step`, for at most `maxEvals` evaluations or until the simplex's losses
 * agree within `tol`. Returns the best point seen.
 */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], opts: { step: number; maxEvals: number; tol?: number }): Scored & { evals: number } {
  const n = x0.length;
  const tol = opts.tol ?? 1e-6;
  let evals = 0;
  // the simplex keeps the unprojected points; the loss is taken at the projection
  const score = (y: readonly number[]): Vertex => {
    evals++;
    const x = y.map(clamp01);
    const raw = f(x);
    return { x: y, raw, v: raw + WALL * y.reduce((a, v, j) => a + (v - (x[j] as number)) ** 2, 0) };
  };
  let simplex: Vertex[] = [score(x0)];
  for (let i = 0; i < n; i++) simplex.push(score(x0.map((v, j) => (i === j ? (v + opts.step <= 1 ? v + opts.step : v - opts.step) : v))));
  const byLoss = (a: Scored, b: Scored): number => a.v - b.v;
  while (evals < opts.maxEvals) {
    simplex.sort(byLoss);
    const best = simplex[0] as Vertex;
    const worst = simplex[n] as Vertex;
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) break;
    const c = x0.map((_, j) => simplex.slice(0, n).reduce((a, s) => a + (s.x[j] as number), 0) / n);
    const at = (t: number): number[] => c.map((cj, j) => cj + t * (cj - (worst.x[j] as number)));
    const r = score(at(1));
    if (r.v < best.v) {
      const e = score(at(2));
      simplex[n] = e.v < r.v ? e : r;
    } else if (r.v < (simplex[n - 1] as Vertex).v) simplex[n] = r;
    else {
      const k = score(at(r.v < worst.v ? 0.5 : -0.5));
      if (k.v < Math.min(worst.v, r.v)) simplex[n] = k;
      else simplex = simplex.map((s, i) => (i === 0 ? s : score(s.x.map((v, j) => (best.x[j] as number) + 0.5 * (v - (best.x[j] as number))))));
    }
  }
  simplex.sort(byLoss);
  const best = simplex[0] as Vertex;
  return { x: best.x.map(clamp01), v: best.raw, evals };
}

/**
 * The `k`-th point of the Halton sequence in n dimensions (bases 2, 3, 5, …):
 * well-spread starting points that need no random numbers.
 */
export function halton(k: number, n: number): number[] {
  const primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
  return Array.from({ length: n }, (_, d) => {
    const b = primes[d % primes.length] as number;
    let f = 1;
    let r = 0;
    for (let i = k + 1; i > 0; i = Math.floor(i / b)) {
      f /= b;
      r += f * (i % b);
    }
    return r;
  });
}
