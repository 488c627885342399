import { MIS_ENTRY_OUTCOMES, type MisEntryOutcomeCode } from '@shikaku/core/mis-entry';
import { INCOMING_PATTERNS, PATTERNS, type IncomingPattern } from '@shikaku/synth/incoming';

/**
 * Scores final outcomes against the ground truth of the injected patterns. A row is "flagged"
 * when the checks raised a suspicion (a mismatch with history or with J-LIS, or J-LIS not found).
 * Per error pattern: recall (flagged / rows); per clean pattern: false alarms; per outcome code:
 * precision (share of its rows that are real errors).
 */
export const FLAGGED_OUTCOMES: readonly MisEntryOutcomeCode[] = [
  'BIRTH_DATE_MISMATCH',
  'KANA_NAME_MISMATCH',
  'JLIS_MISMATCH',
  'JLIS_NOT_FOUND',
];

export interface PatternScore {
  pattern: IncomingPattern;
  description: string;
  error: boolean;
  rows: number;
  outcomes: Partial<Record<MisEntryOutcomeCode, number>>;
  flagged: number;
  /** Error patterns: flagged / rows. Clean patterns: null. */
  recall: number | null;
  /** Error rows no rule flagged. */
  missed: number;
  /** Clean rows flagged. */
  falseAlarms: number;
}

export interface OutcomeScore {
  code: MisEntryOutcomeCode;
  rows: number;
  flagged: boolean;
  /** Share of these rows that are real errors (null when there are none). */
  precision: number | null;
}

export interface Evaluation {
  patterns: PatternScore[];
  outcomes: OutcomeScore[];
  overall: {
    rows: number;
    errors: number;
    flagged: number;
    truePositives: number;
    falsePositives: number;
    falseNegatives: number;
    precision: number | null;
    recall: number | null;
  };
}

export function evaluate(patterns: Uint8Array, codes: Uint8Array, rows = codes.length): Evaluation {
  const P = INCOMING_PATTERNS.length;
  const C = MIS_ENTRY_OUTCOMES.length;
  const matrix = new Float64Array(P * C);
  for (let i = 0; i < rows; i++) matrix[patterns[i]! * C + codes[i]!]!++;
  const isFlagged = MIS_ENTRY_OUTCOMES.map((c) => FLAGGED_OUTCOMES.includes(c));
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const patternScores = INCOMING_PATTERNS.map((pattern, p): PatternScore => {
    const outcomes: Partial<Record<MisEntryOutcomeCode, number>> = {};
    let total = 0;
    let flagged = 0;
    MIS_ENTRY_OUTCOMES.forEach((code, c) => {
      const n = matrix[p * C + c]!;
      if (n > 0) outcomes[code] = n;
      total += n;
      if (isFlagged[c]) flagged += n;
    });
    const error = PATTERNS[pattern].error;
    return {
      pattern,
      description: PATTERNS[pattern].description,
      error,
      rows: total,
      outcomes,
      flagged,
      recall: error ? ratio(flagged, total) : null,
      missed: error ? total - flagged : 0,
      falseAlarms: error ? 0 : flagged,
    };
  });
  const outcomeScores = MIS_ENTRY_OUTCOMES.map((code, c): OutcomeScore => {
    let n = 0;
    let errors = 0;
    INCOMING_PATTERNS.forEach((pattern, p) => {
      n += matrix[p * C + c]!;
      if (PATTERNS[pattern].error) errors += matrix[p * C + c]!;
    });
    return { code, rows: n, flagged: isFlagged[c]!, precision: ratio(errors, n) };
  }).filter((o) => o.rows > 0);
  const errors = patternScores.filter((s) => s.error).reduce((a, s) => a + s.rows, 0);
  const truePositives = patternScores.filter((s) => s.error).reduce((a, s) => a + s.flagged, 0);
  const falsePositives = patternScores.reduce((a, s) => a + s.falseAlarms, 0);
  return {
    patterns: patternScores,
    outcomes: outcomeScores,
    overall: {
      rows,
      errors,
      flagged: truePositives + falsePositives,
      truePositives,
      falsePositives,
      falseNegatives: errors - truePositives,
      precision: ratio(truePositives, truePositives + falsePositives),
      recall: ratio(truePositives, errors),
    },
  };
}
