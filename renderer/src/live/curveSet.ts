/**
 * The curves one chart draws, outside React state: per (metric, trial) a growing x/y column
 * pair. Live points are appended in place and the curve is marked dirty, so a redraw rebuilds
 * only what changed (see CurveChart's layers).
 */

/** Decodes a `curves.batch` column (little-endian Float64 in base64). */
export function decodeColumn(s: string): Float64Array {
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  let bytes: Uint8Array;
  if (fromBase64) bytes = fromBase64(s);
  else {
    const bin = atob(s);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  }
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/**
 * Above this many points per pixel of width a live curve is halved in place (a min and a max
 * per four points), so a trial streaming for days keeps a chart-sized buffer, spikes kept.
 */
const MAX_POINTS_PER_PIXEL = 4;

export class CurveBuffer {
  xs: Float64Array;
  ys: Float64Array;
  n = 0;
  /** Bumped on every change: caches of derived data (smoothing, layers) compare it. */
  version = 0;
  constructor(
    readonly trialId: number,
    readonly metric: string,
    xs: Float64Array,
    ys: Float64Array,
    /** The seq of the last point held: live points at or below it are already here. */
    public lastSeq: number,
    /** Where `relative` x counts from (the trial's start), null until known. */
    public t0: number | null,
  ) {
    this.xs = xs;
    this.ys = ys;
    this.n = xs.length;
  }

  append(x: number, y: number): void {
    if (this.n === this.xs.length) {
      const cap = Math.max(64, this.n * 2);
      const xs = new Float64Array(cap);
      const ys = new Float64Array(cap);
      xs.set(this.xs.subarray(0, this.n));
      ys.set(this.ys.subarray(0, this.n));
      this.xs = xs;
      this.ys = ys;
    }
    this.xs[this.n] = x;
    this.ys[this.n] = y;
    this.n++;
    this.version++;
  }

  /** Keeps a min and a max of every four points once the curve is far denser than the chart. */
  compact(width: number): void {
    if (this.n <= MAX_POINTS_PER_PIXEL * 2 * width) return;
    let out = 0;
    for (let i = 0; i < this.n; i += 4) {
      const end = Math.min(this.n, i + 4);
      let lo = -1;
      let hi = -1;
      for (let j = i; j < end; j++) {
        const y = this.ys[j]!;
        if (!Number.isFinite(y)) continue;
        if (lo === -1 || y < this.ys[lo]!) lo = j;
        if (hi === -1 || y > this.ys[hi]!) hi = j;
      }
      const keep = lo === -1 ? [i] : lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo];
      for (const k of keep) {
        this.xs[out] = this.xs[k]!;
        this.ys[out] = this.ys[k]!;
        out++;
      }
    }
    this.n = out;
    this.version++;
  }

  get x(): Float64Array {
    return this.xs.subarray(0, this.n);
  }
  get y(): Float64Array {
    return this.ys.subarray(0, this.n);
  }
}

/** metric -> trial id -> its curve, plus what changed since the chart last drew. */
export class CurveSet {
  readonly byMetric = new Map<string, Map<number, CurveBuffer>>();
  /** Bumped on any change; a redraw timer compares it. */
  version = 0;
  /** Curves changed since `takeDirty` was last called ("metric\u0000trialId"). */
  private dirty = new Set<string>();
  /** True when curves were added or removed (every layer is rebuilt). */
  structural = true;

  get(metric: string, trialId: number): CurveBuffer | undefined {
    return this.byMetric.get(metric)?.get(trialId);
  }

  put(c: CurveBuffer): void {
    let m = this.byMetric.get(c.metric);
    if (!m) this.byMetric.set(c.metric, (m = new Map()));
    m.set(c.trialId, c);
    this.structural = true;
    this.version++;
  }

  removeTrial(trialId: number): void {
    for (const m of this.byMetric.values()) if (m.delete(trialId)) this.structural = true;
    this.version++;
  }

  touched(c: CurveBuffer): void {
    this.dirty.add(`${c.metric}\u0000${c.trialId}`);
    this.version++;
  }

  /** The curves changed since the last call, and whether the set's shape changed. */
  takeDirty(): { structural: boolean; curves: { metric: string; trialId: number }[] } {
    const out = {
      structural: this.structural,
      curves: [...this.dirty].map((k) => {
        const [metric, id] = k.split('\u0000');
        return { metric: metric!, trialId: Number(id) };
      }),
    };
    this.dirty.clear();
    this.structural = false;
    return out;
  }

  *all(): Generator<CurveBuffer> {
    for (const m of this.byMetric.values()) yield* m.values();
  }
}
