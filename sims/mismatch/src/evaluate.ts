import { MIS_ENTRY_OUTCOMES, type MisEntryOutcomeCode } from '@shikaku/core/mis-entry';
import {
  CHANGES,
  MECHANISM_DESCRIPTIONS,
  MECHANISMS,
  type Mechanism,
} from '@shikaku/synth/error-model';

/**
 * Scores final outcomes against the ground truth. A row is "flagged" when the checks raised a
 * suspicion (a mismatch with history or with J-LIS, or J-LIS not found); a flagged right row is a
 * false alarm, attributed to the legitimate changes it carries (its cause). Proportions come with
 * 95 % Wilson score intervals: the counts of errors are small at realistic rates, so the interval
 * says how far the figure can be trusted.
 */
export const FLAGGED_OUTCOMES: readonly MisEntryOutcomeCode[] = [
  'BIRTH_DATE_MISMATCH',
  'KANA_NAME_MISMATCH',
  'JLIS_MISMATCH',
  'JLIS_NOT_FOUND',
];

/** A proportion with its 95 % Wilson score interval (null when the denominator is 0). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  /** successes / trials */
  successes: number;
  trials: number;
}

const Z = 1.959963984540054;

export function wilson(successes: number, trials: number): Estimate {
  if (trials === 0) return { value: null, low: null, high: null, successes, trials };
  const p = successes / trials;
  const z2 = Z * Z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return {
    value: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
    successes,
    trials,
  };
}

export interface RuleScore {
  /** The outcome a rule produces (BIRTH_DATE_MISMATCH: the birth-date rule, …). */
  code: MisEntryOutcomeCode;
  flagged: number;
  truePositives: number;
  /** Share of its suspicions that are real errors. */
  precision: Estimate;
  /** Share of all errors it raised (the rules partition the flagged rows, so these add up). */
  recall: Estimate;
}

export interface MechanismScore {
  mechanism: Mechanism;
  description: string;
  rows: number;
  caught: number;
  missed: number;
  recall: Estimate;
  outcomes: Partial<Record<MisEntryOutcomeCode, number>>;
}

export interface CauseScore {
  /** The legitimate changes of the right rows (joined with +), or `none`. */
  cause: string;
  /** Right rows with exactly these changes. */
  rows: number;
  falseAlarms: number;
  /** False alarms of this cause per 10,000 right registrations. */
  per10k: number;
  outcomes: Partial<Record<MisEntryOutcomeCode, number>>;
}

export interface Evaluation {
  rows: number;
  errors: number;
  clean: number;
  overall: {
    flagged: number;
    truePositives: number;
    falsePositives: number;
    falseNegatives: number;
    precision: Estimate;
    recall: Estimate;
    /** False alarms per right registration (× 10,000 for the usual figure). */
    falseAlarmRate: Estimate;
  };
  byRule: RuleScore[];
  byMechanism: MechanismScore[];
  falseAlarmsByCause: CauseScore[];
  jlisQueries: number;
  jlisQueriesPer10k: number;
  outcomes: { code: MisEntryOutcomeCode; rows: number; errors: number }[];
}

const causeLabel = (bits: number) => CHANGES.filter((_, i) => bits & (1 << i)).join('+') || 'none';

/**
 * mechanism: 0 right, else 1 + index into MECHANISMS; changes: bit set over CHANGES; codes: final
 * outcome per row; queried: 1 where J-LIS was asked.
 */
export function evaluate(
  mechanism: Uint8Array,
  changes: Uint8Array,
  codes: Uint8Array,
  queried: Uint8Array,
  rows = codes.length,
): Evaluation {
  const C = MIS_ENTRY_OUTCOMES.length;
  const isFlagged = MIS_ENTRY_OUTCOMES.map((c) => FLAGGED_OUTCOMES.includes(c));
  const byMechanism = new Float64Array((MECHANISMS.length + 1) * C);
  const byCause = new Map<number, Float64Array>();
  let jlisQueries = 0;
  for (let i = 0; i < rows; i++) {
    const m = mechanism[i]!;
    const c = codes[i]!;
    byMechanism[m * C + c]!++;
    if (m === 0) {
      const bits = changes[i]!;
      let counts = byCause.get(bits);
      if (counts === undefined) byCause.set(bits, (counts = new Float64Array(C)));
      counts[c]!++;
    }
    jlisQueries += queried[i]!;
  }
  const cell = (m: number, c: number) => byMechanism[m * C + c]!;
  let errors = 0;
  let clean = 0;
  for (let c = 0; c < C; c++) {
    clean += cell(0, c);
    for (let m = 1; m <= MECHANISMS.length; m++) errors += cell(m, c);
  }
  const outcomes = MIS_ENTRY_OUTCOMES.map((code, c) => {
    let n = 0;
    let e = 0;
    for (let m = 0; m <= MECHANISMS.length; m++) {
      n += cell(m, c);
      if (m > 0) e += cell(m, c);
    }
    return { code, rows: n, errors: e };
  }).filter((o) => o.rows > 0);
  const byRule = outcomes
    .filter((o) => isFlagged[MIS_ENTRY_OUTCOMES.indexOf(o.code)])
    .map((o): RuleScore => ({
      code: o.code,
      flagged: o.rows,
      truePositives: o.errors,
      precision: wilson(o.errors, o.rows),
      recall: wilson(o.errors, errors),
    }));
  const mechanisms = MECHANISMS.map((mechanismName, k): MechanismScore => {
    const m = k + 1;
    const out: Partial<Record<MisEntryOutcomeCode, number>> = {};
    let total = 0;
    let caught = 0;
    MIS_ENTRY_OUTCOMES.forEach((code, c) => {
      const n = cell(m, c);
      if (n > 0) out[code] = n;
      total += n;
      if (isFlagged[c]) caught += n;
    });
    return {
      mechanism: mechanismName,
      description: MECHANISM_DESCRIPTIONS[mechanismName],
      rows: total,
      caught,
      missed: total - caught,
      recall: wilson(caught, total),
      outcomes: out,
    };
  });
  const causes = [...byCause.entries()]
    .map(([bits, counts]): CauseScore => {
      const out: Partial<Record<MisEntryOutcomeCode, number>> = {};
      let n = 0;
      let alarms = 0;
      MIS_ENTRY_OUTCOMES.forEach((code, c) => {
        n += counts[c]!;
        if (counts[c]! > 0) out[code] = counts[c]!;
        if (isFlagged[c]) alarms += counts[c]!;
      });
      return {
        cause: causeLabel(bits),
        rows: n,
        falseAlarms: alarms,
        per10k: clean === 0 ? 0 : (alarms / clean) * 10_000,
        outcomes: out,
      };
    })
    .sort((a, b) => b.falseAlarms - a.falseAlarms || b.rows - a.rows);
  const truePositives = mechanisms.reduce((a, s) => a + s.caught, 0);
  const falsePositives = causes.reduce((a, s) => a + s.falseAlarms, 0);
  return {
    rows,
    errors,
    clean,
    overall: {
      flagged: truePositives + falsePositives,
      truePositives,
      falsePositives,
      falseNegatives: errors - truePositives,
      precision: wilson(truePositives, truePositives + falsePositives),
      recall: wilson(truePositives, errors),
      falseAlarmRate: wilson(falsePositives, clean),
    },
    byRule,
    byMechanism: mechanisms,
    falseAlarmsByCause: causes,
    jlisQueries,
    jlisQueriesPer10k: rows === 0 ? 0 : (jlisQueries / rows) * 10_000,
    outcomes,
  };
}
