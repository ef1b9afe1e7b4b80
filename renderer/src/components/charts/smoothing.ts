/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased by the weight of the
 * points seen so far (`1 - w^k`), so the first points are not dragged towards zero. Non-finite
 * values pass through unsmoothed (a divergence stays visible) and a constant curve stays
 * constant. `weight` is TensorBoard's slider: 0 = raw, 0.99 = very smooth.
 */
export function smoothEma(ys: ArrayLike<number>, weight: number, out = new Float64Array(ys.length)): Float64Array {
  const n = ys.length;
  if (weight <= 0 || n === 0) {
    for (let i = 0; i < n; i++) out[i] = ys[i]!;
    return out;
  }
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = ys[i] === ys[0];
  let last = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const y = ys[i]!;
    if (constant || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    k++;
    out[i] = weight === 1 ? last : last / (1 - Math.pow(weight, k));
  }
  return out;
}
