import { describe, expect, it } from 'vitest';
import { daysFromIso } from '@shikaku/synth/days';
import { kanaIdOf, kanaOfId, kanaVariantIdOf } from '@shikaku/synth/population';
import { hash3, unit } from '@shikaku/synth/prng';
import {
  compareBirth,
  compareKana,
  countPatterns,
  estimateParameters,
  LINKAGE_FIELDS,
  matchWeight,
  NOT_FOUND_PATTERN,
  thresholdForBudget,
  thresholdForRecall,
} from './linkage.js';

const F = LINKAGE_FIELDS.length;
const RADIX = LINKAGE_FIELDS.map((f) => f.levels.length + 1);
const PLACE = RADIX.map((_, k) => RADIX.slice(0, k).reduce((a, b) => a * b, 1));
const patternOf = (levels: number[]) =>
  levels.reduce((code, l, k) => code + (l + 1) * PLACE[k]!, 0);

/** A draw from a discrete distribution. */
function pick(p: readonly number[], x: number): number {
  for (let l = 0; l < p.length; l++) {
    x -= p[l]!;
    if (x < 0) return l;
  }
  return p.length - 1;
}

describe('comparison levels', () => {
  it('birth dates: exact, one part or ≤ 31 days off, other', () => {
    const d = daysFromIso('1987-09-13');
    expect(compareBirth(d, d)).toBe(0);
    expect(compareBirth(d, daysFromIso('1987-09-14'))).toBe(1);
    expect(compareBirth(d, daysFromIso('1978-09-13'))).toBe(1); // the year mistyped
    expect(compareBirth(d, daysFromIso('1987-12-13'))).toBe(1); // the month mistyped
    expect(compareBirth(d, daysFromIso('1991-07-04'))).toBe(2);
  });

  it('kana: family and given name compared apart; a voicing mark is its own level', () => {
    const id = (s: string) => kanaIdOf(s)!;
    expect(compareKana(id('サトウ　ハナコ'), id('サトウ　ハナコ'))).toEqual([0, 0]);
    // Marriage: a new family name, the same given name.
    expect(compareKana(id('サトウ　ハナコ'), id('スズキ　ハナコ'))).toEqual([2, 0]);
    // The seed's twins: same family, another given name.
    expect(compareKana(id('シミズ　タロウ'), id('シミズ　ジロウ'))).toEqual([0, 2]);
    // ナカジマ / ナガジマ: a voicing slip, the commonest kana one.
    const slip = kanaVariantIdOf(id('ナカジマ　ヒロシ'));
    expect(kanaOfId(slip)).toBe('ナガジマ　ヒロシ');
    expect(compareKana(id('ナカジマ　ヒロシ'), slip)).toEqual([1, 0]);
  });
});

describe('Fellegi–Sunter estimation', () => {
  it('EM with u fixed recovers the m probabilities and λ that generated the patterns', () => {
    // Known parameters; every field present. 200,000 pairs, 2 % non-matches.
    const u = LINKAGE_FIELDS.map((f) =>
      f.levels.map((_, l) => (l === f.levels.length - 1 ? 0.9 : 0.1 / (f.levels.length - 1))),
    );
    const m = LINKAGE_FIELDS.map((f) =>
      f.levels.map((_, l) => (l === 0 ? 0.95 : 0.05 / (f.levels.length - 1))),
    );
    const lambda = 0.98;
    const n = 200_000;
    const codes = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      const match = unit(hash3(7, 1, r)) < lambda;
      const levels = LINKAGE_FIELDS.map((_, k) =>
        pick(match ? m[k]! : u[k]!, unit(hash3(7, 2 + k, r))),
      );
      codes[r] = patternOf(levels);
    }
    const params = estimateParameters(countPatterns(codes), u);
    expect(params.converged).toBe(true);
    expect(params.lambda).toBeCloseTo(lambda, 2);
    for (let k = 0; k < F; k++) {
      for (let l = 0; l < m[k]!.length; l++)
        expect(Math.abs(params.m[k]![l]! - m[k]![l]!)).toBeLessThan(0.01);
    }
    // Agreement on every field weighs for a match, disagreement on every field against.
    expect(matchWeight(patternOf(LINKAGE_FIELDS.map(() => 0)), params)).toBeGreaterThan(0);
    expect(
      matchWeight(patternOf(LINKAGE_FIELDS.map((f) => f.levels.length - 1)), params),
    ).toBeLessThan(0);
    expect(matchWeight(NOT_FOUND_PATTERN, params)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('a missing field weighs nothing; the prior alone is log₂(λ/(1−λ))', () => {
    const params = {
      m: LINKAGE_FIELDS.map((f) => f.levels.map(() => 1 / f.levels.length)),
      u: LINKAGE_FIELDS.map((f) => f.levels.map(() => 1 / f.levels.length)),
      lambda: 0.75,
      iterations: 0,
      converged: true,
    };
    expect(matchWeight(0, params)).toBeCloseTo(Math.log2(3), 10);
  });

  it('the budget cut raises no more false alarms than the budget, and as many as it can', () => {
    const weights = Float64Array.from([-Infinity, -5, -5, -1, 0, 2, 3, 3, 9]);
    const mechanism = Uint8Array.from([1, 0, 2, 0, 1, 0, 0, 0, 0]);
    expect(thresholdForBudget(weights, mechanism, 0)).toBe(-5);
    expect(thresholdForBudget(weights, mechanism, 1)).toBe(-1);
    expect(thresholdForBudget(weights, mechanism, 2)).toBe(2);
    expect(thresholdForBudget(weights, mechanism, 3)).toBe(3);
    expect(thresholdForBudget(weights, mechanism, 6)).toBe(Number.POSITIVE_INFINITY);
    // The lowest cut that finds 1, 2 or 3 of the 3 errors.
    expect(thresholdForRecall(weights, mechanism, 1)).toBe(-5);
    expect(thresholdForRecall(weights, mechanism, 2)).toBe(-1);
    expect(thresholdForRecall(weights, mechanism, 3)).toBe(2);
    expect(thresholdForRecall(weights, mechanism, 4)).toBe(Number.POSITIVE_INFINITY);
  });
});
