/**
 * A small seeded pseudo-random number generator for designs that must reproduce.
 *
 * A study stores its seed; the same seed must give the same points on every machine and every
 * Node version, which `Math.random` does not promise. sfc32 (Chris Doty-Humphrey's "small fast
 * counting" generator, from PractRand) passes PractRand and BigCrush, has 128 bits of state and
 * a guaranteed period of at least 2^32, far beyond the few thousand draws a design needs. Its
 * state is filled from the seed by splitmix32, so nearby seeds (0, 1, 2 ...) start far apart.
 */

/** The largest seed a study can store: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

/** A stream of pseudo-random numbers. */
export interface Rng {
  /** A uniform number in [0, 1) with 53 random bits (the full precision of a double). */
  next(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number;
}

/** True when `seed` is a valid study seed: an integer from 0 to {@link MAX_SEED}. */
export function isSeed(seed: unknown): seed is number {
  return typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED;
}

/** splitmix32: turns one 32-bit seed into a stream of well-mixed 32-bit words. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/**
 * A seeded generator: the same seed gives the same stream everywhere.
 * Throws when the seed is not an integer from 0 to {@link MAX_SEED}.
 */
export function createRng(seed: number): Rng {
  if (!isSeed(seed)) throw new RangeError(`a seed is an integer from 0 to ${MAX_SEED}, got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The generator's author recommends discarding the first outputs so the state mixes fully.
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`int(n) needs an integer n in 1..2^32, got ${n}`);
      // Rejection sampling: drawing from the largest multiple of n below 2^32 keeps every value equally likely.
      const limit = Math.floor(2 ** 32 / n) * n;
      for (;;) {
        const x = next32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function randomPermutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** A fresh seed for a new study, from the platform's cryptographic generator (not reproducible, by design). */
export function newSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}
