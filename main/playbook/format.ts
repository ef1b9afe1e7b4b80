/**
 * Numbers in the analysis' messages and labels: three significant digits, and exponent notation
 * for the tiny and huge values tuning is full of (a learning rate reads 1e-5, not 0.00001).
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const r = Number(x.toPrecision(3));
  return r !== 0 && (Math.abs(r) < 1e-3 || Math.abs(r) >= 1e5) ? r.toExponential() : String(r);
}
