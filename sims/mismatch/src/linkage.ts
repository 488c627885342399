import { MIS_ENTRY_OUTCOMES } from '@shikaku/core/mis-entry';
import type { MemberColumns } from '@shikaku/synth/columnar';
import { civilFromDays } from '@shikaku/synth/days';
import { MECHANISMS, type Mechanism } from '@shikaku/synth/error-model';
import type { IncomingColumns } from '@shikaku/synth/incoming';
import { CHUNK_SIZE, kanaOfId } from '@shikaku/synth/population';
import { hash3 } from '@shikaku/synth/prng';
import { FLAGGED_OUTCOMES, wilson, type Estimate } from './evaluate.js';

/**
 * A second opinion beside the deterministic rules: a Fellegi–Sunter record-linkage score
 * (Fellegi & Sunter 1969; the model Splink implements, docs/decisions.md gives the formulas and
 * sources) of "this registration and the record its My Number points at are the same person".
 *
 * Each incoming row is paired with the records its number already has in this run, blocked on the
 * number as the bulk engine joins them: the stored registration (when the number has history) and
 * J-LIS's record (only where this era's rules asked J-LIS). The comparison vector covers the facts
 * the rules see (birth date, kana family and given name, sex, address); a level is missing where
 * the record is, and a missing level weighs nothing. The u probabilities (agreement among
 * non-matches) come from random pairs of a registration and a random person, the m probabilities
 * and the share of matches λ from EM over this era's own rows with u held fixed: learned from the
 * data, without the ground truth, as Splink does (estimate_u_using_random_sampling, then
 * expectation maximisation). The ground truth is used only to score it.
 *
 * It reads the same column buffers as the engine and does not re-implement the rules: it never
 * sees an outcome code except to compare itself with the rules at the rules' false-alarm budget.
 */

export interface LinkageField {
  name: string;
  levels: readonly string[];
}

const BIRTH = ['exact', 'one of year/month/day, or ≤ 31 days', 'other'] as const;
const KANA = ['exact', 'a voicing mark (ナカシマ/ナガシマ)', 'other'] as const;
const SEX = ['same', 'other'] as const;
/** ADDRESS_FORMS of the incoming columns, in that order. */
const ADDRESS = [
  'same',
  'notation',
  'stale (not moved on the register)',
  'another household',
] as const;

export const LINKAGE_FIELDS: readonly LinkageField[] = [
  { name: 'stored birth date', levels: BIRTH },
  { name: 'stored family kana', levels: KANA },
  { name: 'stored given kana', levels: KANA },
  { name: 'stored sex', levels: SEX },
  { name: 'J-LIS birth date', levels: BIRTH },
  { name: 'J-LIS family kana', levels: KANA },
  { name: 'J-LIS given kana', levels: KANA },
  { name: 'J-LIS sex', levels: SEX },
  { name: 'address', levels: ADDRESS },
];
/** Which base comparison (birth, family, given, sex, address) each field is, for its u. */
const BASE_OF_FIELD = [0, 1, 2, 3, 0, 1, 2, 3, 4] as const;
const BASE_LEVELS = [BIRTH.length, KANA.length, KANA.length, SEX.length, ADDRESS.length];
const F = LINKAGE_FIELDS.length;
/** Mixed radix: level + 1 per field (0 = missing). */
const RADIX = LINKAGE_FIELDS.map((f) => f.levels.length + 1);
const PLACE = RADIX.map((_, k) => RADIX.slice(0, k).reduce((a, b) => a * b, 1));
/** The number has no resident at J-LIS: there is no record to pair with, so never a match. */
export const NOT_FOUND_PATTERN = RADIX.reduce((a, b) => a * b, 1);

/** Level of a field in a pattern code, −1 when missing. */
export function levelOf(pattern: number, field: number): number {
  return (Math.floor(pattern / PLACE[field]!) % RADIX[field]!) - 1;
}

// ---- comparisons ----------------------------------------------------------------------------

export function compareBirth(a: number, b: number): number {
  if (a === b) return 0;
  if (Math.abs(a - b) <= 31) return 1;
  const [ya, ma, da] = civilFromDays(a);
  const [yb, mb, db] = civilFromDays(b);
  const same = (ya === yb ? 1 : 0) + (ma === mb ? 1 : 0) + (da === db ? 1 : 0);
  return same === 2 ? 1 : 2;
}

interface KanaParts {
  family: string;
  given: string;
  familyBare: string;
  givenBare: string;
}
const kanaParts = new Map<number, KanaParts>();
const bare = (s: string) => s.normalize('NFD').replace(/[\u3099\u309a]/gu, '');
function partsOf(id: number): KanaParts {
  let p = kanaParts.get(id);
  if (p === undefined) {
    const [family = '', given = ''] = kanaOfId(id).split('\u3000');
    p = { family, given, familyBare: bare(family), givenBare: bare(given) };
    kanaParts.set(id, p);
  }
  return p;
}
const compareText = (a: string, b: string, aBare: string, bBare: string) =>
  a === b ? 0 : aBare === bBare ? 1 : 2;

/** [family level, given level] of two canonical kana ids. */
export function compareKana(a: number, b: number): [number, number] {
  if (a === b) return [0, 0];
  const x = partsOf(a);
  const y = partsOf(b);
  return [
    compareText(x.family, y.family, x.familyBare, y.familyBare),
    compareText(x.given, y.given, x.givenBare, y.givenBare),
  ];
}

/** What the pattern builder reads of one row. */
export interface LinkageInput {
  incoming: IncomingColumns;
  population: MemberColumns;
  /** Persons [0, existing) have a stored registration. */
  existing: number;
  /** 1 where this era's rules asked J-LIS. */
  queried: Uint8Array;
}

/** The birth date, kana and sex levels against one record, placed at fields first … first + 3. */
function recordCode(
  birth: number,
  kana: number,
  sex: number,
  refBirth: number,
  refKana: number,
  refSex: number,
  first: number,
): number {
  const [family, given] = compareKana(kana, refKana);
  return (
    (compareBirth(birth, refBirth) + 1) * PLACE[first]! +
    (family + 1) * PLACE[first + 1]! +
    (given + 1) * PLACE[first + 2]! +
    (sex === refSex ? 1 : 2) * PLACE[first + 3]!
  );
}

/** The comparison pattern of every incoming row (0: nothing to compare with). */
export function comparisonPatterns(input: LinkageInput): Uint32Array {
  const { incoming, population, existing, queried } = input;
  const out = new Uint32Array(incoming.length);
  for (let r = 0; r < incoming.length; r++) {
    // The number's holder: finishWithCore checks this column against the lookup by number.
    const owner = incoming.owner[r]!;
    const asked = queried[r] === 1;
    if (asked && owner < 0) {
      out[r] = NOT_FOUND_PATTERN;
      continue;
    }
    let code = 0;
    const birth = incoming.birthDays[r]!;
    const kana = incoming.kanaId[r]!;
    const sex = incoming.sex[r]!;
    const stored = owner >= 0 && owner < existing;
    if (stored) {
      const ref = population;
      code += recordCode(
        birth,
        kana,
        sex,
        ref.birthDays[owner]!,
        ref.kanaId[owner]!,
        ref.sex[owner]!,
        0,
      );
    }
    if (asked) {
      const { jlisBirthDays, jlisKanaId } = incoming;
      const jlisSex = population.sex[owner]!;
      code += recordCode(birth, kana, sex, jlisBirthDays[r]!, jlisKanaId[r]!, jlisSex, 4);
    }
    if (stored || asked) code += (incoming.addressForm[r]! + 1) * PLACE[8]!;
    out[r] = code;
  }
  return out;
}

// ---- u from random pairs --------------------------------------------------------------------

const U_STREAM = 0x15c0;

/**
 * P(level | non-match) for each base comparison, from `samples` pairs of a random incoming row and
 * a random person (almost all non-matches). Add-one smoothing keeps levels a random pair never
 * shows (an address notation of one's own address) finite.
 */
export function estimateU(
  incoming: IncomingColumns,
  population: MemberColumns,
  seed: number,
  samples: number,
): number[][] {
  const counts = BASE_LEVELS.map((n) => new Float64Array(n));
  const size = population.length;
  for (let k = 0; k < samples; k++) {
    const r = hash3(seed, U_STREAM, 2 * k) % incoming.length;
    const p = hash3(seed, U_STREAM, 2 * k + 1) % size;
    const [family, given] = compareKana(incoming.kanaId[r]!, population.kanaId[p]!);
    counts[0]![compareBirth(incoming.birthDays[r]!, population.birthDays[p]!)]!++;
    counts[1]![family]!++;
    counts[2]![given]!++;
    counts[3]![incoming.sex[r] === population.sex[p] ? 0 : 1]!++;
    // The simulation holds an address as a household: the registration carries its subject's.
    const subject = incoming.subject[r]!;
    const household =
      Math.floor(subject / CHUNK_SIZE) === Math.floor(p / CHUNK_SIZE) &&
      population.household[subject] === population.household[p];
    counts[4]![household ? 0 : 3]!++;
  }
  return counts.map((c) => Array.from(c, (x) => (x + 1) / (samples + c.length)));
}

// ---- EM for m and λ with u fixed ------------------------------------------------------------

export interface PatternCounts {
  patterns: number[];
  counts: number[];
}

export function countPatterns(codes: Uint32Array): PatternCounts {
  const map = new Map<number, number>();
  for (let r = 0; r < codes.length; r++) map.set(codes[r]!, (map.get(codes[r]!) ?? 0) + 1);
  const patterns = [...map.keys()].sort((a, b) => a - b);
  return { patterns, counts: patterns.map((p) => map.get(p)!) };
}

export interface LinkageParameters {
  /** P(level | match) per field. */
  m: number[][];
  /** P(level | non-match) per field. */
  u: number[][];
  /** Prior share of matches among the compared pairs. */
  lambda: number;
  iterations: number;
  converged: boolean;
}

const CLAMP = 1e-12;
const clampP = (x: number) => Math.min(1 - CLAMP, Math.max(CLAMP, x));

/**
 * Expectation maximisation over pattern counts (Splink's estimate_parameters_using_expectation_
 * maximisation with fixed u): E-step, the posterior match probability of each pattern
 * λΠm / (λΠm + (1−λ)Πu) over its present fields; M-step, λ = the mean posterior and
 * m_k(l) = (Σ posterior·count over patterns at level l + 1) / (Σ over patterns where field k is
 * present + levels).
 * Patterns 0 (nothing to compare) and NOT_FOUND_PATTERN take no part.
 */
export function estimateParameters(
  data: PatternCounts,
  u: number[][],
  options: { maxIterations?: number; tolerance?: number } = {},
): LinkageParameters {
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-7;
  const used = data.patterns
    .map((p, i) => ({ p, n: data.counts[i]! }))
    .filter((x) => x.p !== 0 && x.p !== NOT_FOUND_PATTERN);
  const levels = used.map((x) => LINKAGE_FIELDS.map((_, k) => levelOf(x.p, k)));
  let m = LINKAGE_FIELDS.map((f) =>
    f.levels.map((_, l) => (l === 0 ? 0.9 : 0.1 / (f.levels.length - 1))),
  );
  let lambda = 0.99;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const mNum = LINKAGE_FIELDS.map((f) => new Float64Array(f.levels.length));
    const mDen = new Float64Array(F);
    let matched = 0;
    let total = 0;
    for (let i = 0; i < used.length; i++) {
      let pm = Math.log(lambda);
      let pu = Math.log(1 - lambda);
      const lv = levels[i]!;
      for (let k = 0; k < F; k++) {
        const l = lv[k]!;
        if (l < 0) continue;
        pm += Math.log(m[k]![l]!);
        pu += Math.log(u[k]![l]!);
      }
      const posterior = 1 / (1 + Math.exp(pu - pm));
      const n = used[i]!.n;
      matched += posterior * n;
      total += n;
      for (let k = 0; k < F; k++) {
        const l = lv[k]!;
        if (l < 0) continue;
        mNum[k]![l]! += posterior * n;
        mDen[k]! += posterior * n;
      }
    }
    // One pseudo-observation per level (Laplace): a level no match showed in this sample weighs
    // about −log₂(rows) instead of −∞.
    const next = mNum.map((row, k) =>
      Array.from(row, (x) => clampP((x + 1) / (mDen[k]! + row.length))),
    );
    const nextLambda = total > 0 ? clampP(matched / total) : lambda;
    let change = Math.abs(nextLambda - lambda);
    for (let k = 0; k < F; k++)
      for (let l = 0; l < next[k]!.length; l++)
        change = Math.max(change, Math.abs(next[k]![l]! - m[k]![l]!));
    m = next;
    lambda = nextLambda;
    converged = change < tolerance;
  }
  return { m, u, lambda, iterations, converged };
}

/** The per-field u of the base comparisons, laid out per field. */
export function fieldU(baseU: number[][]): number[][] {
  return LINKAGE_FIELDS.map((_, k) => baseU[BASE_OF_FIELD[k]!]!);
}

/**
 * Match weight (log₂ Bayes factor plus the prior, Splink's "match weight"):
 * log₂(λ/(1−λ)) + Σ_k log₂(m_k/u_k) over the present fields; −∞ for NOT_FOUND_PATTERN.
 * A weight below 0 is a posterior match probability below ½.
 */
export function matchWeight(pattern: number, params: LinkageParameters): number {
  if (pattern === NOT_FOUND_PATTERN) return Number.NEGATIVE_INFINITY;
  let w = Math.log2(params.lambda / (1 - params.lambda));
  for (let k = 0; k < F; k++) {
    const l = levelOf(pattern, k);
    if (l >= 0) w += Math.log2(params.m[k]![l]! / params.u[k]![l]!);
  }
  return w;
}

// ---- scoring against the ground truth and the rules -----------------------------------------

export interface LinkageScore {
  threshold: number;
  flagged: number;
  falseAlarms: number;
  truePositives: number;
  precision: Estimate;
  recall: Estimate;
  /** False alarms per right registration (× 10,000 for the usual figure). */
  falseAlarmRate: Estimate;
}

export interface LinkageResult {
  fields: (LinkageField & { m: number[]; u: number[]; weight: number[] })[];
  lambda: number;
  priorWeight: number;
  iterations: number;
  converged: boolean;
  /** Rows with a record to compare with (EM ran over these). */
  comparedRows: number;
  /** Rows whose number J-LIS did not know (never a match). */
  notFoundRows: number;
  uSamples: number;
  /** Flagged where the match weight is below 0 (posterior match probability < ½). */
  own: LinkageScore;
  /**
   * Flagged where the weight is below the highest cut that raises no more false alarms than the
   * rules did in this era (the same false-alarm budget).
   */
  atRuleBudget: LinkageScore & {
    budget: number;
    /** Errors the rules missed, and how many of them this score flags. */
    rulesMissed: number;
    missesFlagged: number;
    /** Errors the rules caught that this score does not flag. */
    rulesCaughtNotFlagged: number;
    byMechanism: { mechanism: Mechanism; rulesMissed: number; missesFlagged: number }[];
  };
  /**
   * The lowest cut at which this score finds as many errors as the rules did in this era, and the
   * false alarms it raises there (null when the rules found none).
   */
  atRuleRecall: (LinkageScore & { rulesTruePositives: number }) | null;
  ms: number;
}

export interface LinkageOptions extends LinkageInput {
  seed: number;
  /** Final outcome per row (the rules, after J-LIS). */
  codes: Uint8Array;
  uSamples?: number;
}

function score(
  weights: Float64Array,
  mechanism: Uint8Array,
  threshold: number,
  errors: number,
  clean: number,
): LinkageScore {
  let flagged = 0;
  let truePositives = 0;
  for (let r = 0; r < weights.length; r++) {
    if (weights[r]! < threshold) {
      flagged++;
      if (mechanism[r] !== 0) truePositives++;
    }
  }
  const falseAlarms = flagged - truePositives;
  return {
    threshold,
    flagged,
    falseAlarms,
    truePositives,
    precision: wilson(truePositives, flagged),
    recall: wilson(truePositives, errors),
    falseAlarmRate: wilson(falseAlarms, clean),
  };
}

/** Distinct weights in ascending order, each with how many rows of the kind (`error`) carry it. */
function rowsByWeight(
  weights: Float64Array,
  mechanism: Uint8Array,
  error: boolean,
): [weight: number, rows: number][] {
  const counts = new Map<number, number>();
  for (let r = 0; r < weights.length; r++) {
    const w = weights[r]!;
    counts.set(w, (counts.get(w) ?? 0) + ((mechanism[r] !== 0) === error ? 1 : 0));
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The highest cut t such that the right rows with weight < t number at most `budget`: every
 * distinct weight is a candidate cut, taken in ascending order.
 */
export function thresholdForBudget(
  weights: Float64Array,
  mechanism: Uint8Array,
  budget: number,
): number {
  let falseAlarms = 0;
  for (const [w, rows] of rowsByWeight(weights, mechanism, false)) {
    falseAlarms += rows;
    if (falseAlarms > budget) return w;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The lowest cut t such that the errors with weight < t number at least `target` (+∞ when no cut
 * reaches it).
 */
export function thresholdForRecall(
  weights: Float64Array,
  mechanism: Uint8Array,
  target: number,
): number {
  const sorted = rowsByWeight(weights, mechanism, true);
  let found = 0;
  for (let k = 0; k < sorted.length; k++) {
    found += sorted[k]![1];
    // Flag everything up to and including this weight: the cut is the next weight up.
    if (found >= target)
      return k + 1 < sorted.length ? sorted[k + 1]![0] : Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}

/** Learns the model from this era's rows, scores every row, compares with the rules. */
export function linkageSecondOpinion(options: LinkageOptions): LinkageResult {
  const t = performance.now();
  const { incoming, population } = options;
  const rows = incoming.length;
  const uSamples = options.uSamples ?? 200_000;
  const codes = comparisonPatterns(options);
  const data = countPatterns(codes);
  const params = estimateParameters(
    data,
    fieldU(estimateU(incoming, population, options.seed, uSamples)),
  );
  const weightOf = new Map(data.patterns.map((p) => [p, matchWeight(p, params)]));
  const weights = new Float64Array(rows);
  const isFlagged = MIS_ENTRY_OUTCOMES.map((c) => FLAGGED_OUTCOMES.includes(c));
  let errors = 0;
  let rulesFalseAlarms = 0;
  let rulesTruePositives = 0;
  let comparedRows = 0;
  let notFoundRows = 0;
  for (let r = 0; r < rows; r++) {
    weights[r] = weightOf.get(codes[r]!)!;
    if (incoming.mechanism[r] !== 0) {
      errors++;
      if (isFlagged[options.codes[r]!]) rulesTruePositives++;
    } else if (isFlagged[options.codes[r]!]) rulesFalseAlarms++;
    if (codes[r] === NOT_FOUND_PATTERN) notFoundRows++;
    else if (codes[r] !== 0) comparedRows++;
  }
  const clean = rows - errors;
  const own = score(weights, incoming.mechanism, 0, errors, clean);
  const threshold = thresholdForBudget(weights, incoming.mechanism, rulesFalseAlarms);
  const budgeted = score(weights, incoming.mechanism, threshold, errors, clean);
  const missed = new Float64Array(MECHANISMS.length + 1);
  const missesFlagged = new Float64Array(MECHANISMS.length + 1);
  let rulesCaughtNotFlagged = 0;
  for (let r = 0; r < rows; r++) {
    const m = incoming.mechanism[r]!;
    if (m === 0) continue;
    const fs = weights[r]! < threshold;
    if (!isFlagged[options.codes[r]!]) {
      missed[m]!++;
      if (fs) missesFlagged[m]!++;
    } else if (!fs) rulesCaughtNotFlagged++;
  }
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  return {
    fields: LINKAGE_FIELDS.map((f, k) => ({
      ...f,
      m: params.m[k]!,
      u: params.u[k]!,
      weight: params.m[k]!.map((x, l) => Math.log2(x / params.u[k]![l]!)),
    })),
    lambda: params.lambda,
    priorWeight: Math.log2(params.lambda / (1 - params.lambda)),
    iterations: params.iterations,
    converged: params.converged,
    comparedRows,
    notFoundRows,
    uSamples,
    own,
    atRuleBudget: {
      ...budgeted,
      budget: rulesFalseAlarms,
      rulesMissed: sum(missed),
      missesFlagged: sum(missesFlagged),
      rulesCaughtNotFlagged,
      byMechanism: MECHANISMS.map((mechanism, k) => ({
        mechanism,
        rulesMissed: missed[k + 1]!,
        missesFlagged: missesFlagged[k + 1]!,
      })),
    },
    atRuleRecall:
      rulesTruePositives === 0
        ? null
        : {
            ...score(
              weights,
              incoming.mechanism,
              thresholdForRecall(weights, incoming.mechanism, rulesTruePositives),
              errors,
              clean,
            ),
            rulesTruePositives,
          },
    ms: performance.now() - t,
  };
}
