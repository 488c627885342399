import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';

describe('seededRandom', () => {
  it('gives the mulberry32 sequence of the seed, the same on every run', () => {
    const next = seededRandom(7);
    expect([next(), next(), next()]).toEqual([
      0.011704753153026104, 0.06195825757458806, 0.97690763277933,
    ]);
    // A negative seed is taken as its unsigned 32 bits.
    const a = seededRandom(-5);
    const b = seededRandom(2 ** 32 - 5);
    expect([a(), a()]).toEqual([b(), b()]);
  });

  it('stays in [0, 1) and spreads over it', () => {
    const next = seededRandom(42);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]!++;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(900);
  });
});
