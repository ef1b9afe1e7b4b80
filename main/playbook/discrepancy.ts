/**
 * How evenly a design fills the unit cube: Hickernell's centred L2 discrepancy.
 *
 * Used to check that the quasi-random search really spreads its points better than random
 * search (the reason the playbook prefers it), and available to show a design's quality.
 */

/**
 * The squared centred L2 discrepancy of points in [0, 1]^d, by Hickernell's closed form
 * (F. J. Hickernell, "A generalized discrepancy and quadrature error bound", Math. Comp. 1998):
 *
 *   CD² = (13/12)^d − (2/n) Σ_i Π_k (1 + ½|z_ik| − ½ z_ik²)
 *                   + (1/n²) Σ_i Σ_j Π_k (1 + ½|z_ik| + ½|z_jk| − ½|x_ik − x_jk|),   z = x − ½.
 *
 * This is the value `scipy.stats.qmc.discrepancy(x, method="CD")` returns (scipy reports the
 * square too). Smaller is more uniform. O(n² d).
 */
export function centredL2DiscrepancySquared(points: readonly (readonly number[])[]): number {
  const n = points.length;
  if (n === 0) throw new RangeError('the discrepancy of an empty design is undefined');
  const d = points[0]!.length;
  for (const p of points) {
    if (p.length !== d) throw new RangeError('every point needs the same number of dimensions');
    for (const x of p) if (!(x >= 0 && x <= 1)) throw new RangeError(`points must lie in [0, 1], got ${x}`);
  }
  let single = 0;
  for (const p of points) {
    let prod = 1;
    for (const x of p) {
      const z = Math.abs(x - 0.5);
      prod *= 1 + 0.5 * z - 0.5 * z * z;
    }
    single += prod;
  }
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    for (let j = 0; j < n; j++) {
      const q = points[j]!;
      let prod = 1;
      for (let k = 0; k < d; k++) {
        const a = p[k]!;
        const b = q[k]!;
        prod *= 1 + 0.5 * Math.abs(a - 0.5) + 0.5 * Math.abs(b - 0.5) - 0.5 * Math.abs(a - b);
      }
      pairs += prod;
    }
  }
  return (13 / 12) ** d - (2 / n) * single + pairs / (n * n);
}

/** The centred L2 discrepancy itself: the square root of {@link centredL2DiscrepancySquared}. */
export function centredL2Discrepancy(points: readonly (readonly number[])[]): number {
  // Rounding can leave a tiny negative square for a near-perfect design.
  return Math.sqrt(Math.max(0, centredL2DiscrepancySquared(points)));
}
