/**
 * Counter-based randomness: every draw is a hash of (seed, stream, counter), so any person can be
 * generated on its own, chunks can be generated in parallel, and the same seed gives the same
 * population on any machine (integer maths only; no Math.random, no platform-dependent floats).
 */

/** A 32-bit avalanche mix (lowbias32 by Chris Wellons). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** A 32-bit hash of (seed, stream, counter). `counter` may be any safe integer ≥ 0. */
export function hash3(seed: number, stream: number, counter: number): number {
  const lo = counter >>> 0;
  const hi = Math.floor(counter / 0x1_0000_0000) >>> 0;
  return mix32(mix32(mix32(seed ^ Math.imul(stream, 0x9e3779b9)) ^ lo) + hi);
}

/** A uniform float in [0, 1) from a 32-bit hash. */
export function unit(h: number): number {
  return h / 0x1_0000_0000;
}

/** A uniform integer in [0, n) from a 32-bit hash (n ≤ 2^32). */
export function below(h: number, n: number): number {
  return Math.floor((h / 0x1_0000_0000) * n);
}

/**
 * A sequential generator for one chunk: draws are hash3(seed, stream, counter++), so the sequence
 * is fixed by (seed, stream) and reproducible from any starting counter.
 */
export class ChunkRandom {
  private counter = 0;
  constructor(
    private readonly seed: number,
    private readonly stream: number,
  ) {}

  next(): number {
    return hash3(this.seed, this.stream, this.counter++);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return below(this.next(), n);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return unit(this.next());
  }

  /** Index into cumulative weights (last element = total). */
  pick(cumulative: Float64Array): number {
    const x = this.float() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i]!;
    out[i] = sum;
  }
  return out;
}
