import { normalizeKanaForMatching } from '@shikaku/core/kana';
import {
  MIS_ENTRY_OUTCOMES,
  SEED_POLICY,
  type MisEntryOutcomeCode,
  type MisEntryPolicy,
} from '@shikaku/core/mis-entry';
import {
  buildIncomingIndex,
  decideOutcomes,
  matchStateOf,
  scanExistingRange,
  type ExistingColumns,
} from './kernel.js';

/**
 * The batch API for one chunk of a bulk registration file: stored history rows + incoming rows →
 * one outcome per incoming row, with exactly core's classifyRegistration semantics (J-LIS not yet
 * queried: rows that need J-LIS come back as NEEDS_JLIS for the caller to resolve). Runs in the
 * calling thread; for millions of rows use the columnar pool (`createMatchingPool`).
 */
export interface RegistrationFacts {
  myNumber: string;
  /** YYYY-MM-DD, compared as text (as core does). */
  birthDate: string;
  /** カナ氏名 in any width or spacing. */
  kanaName: string;
}

export interface BatchOutcome {
  code: MisEntryOutcomeCode;
  /** Index in `history` of the conflicting stored record, or null. */
  conflictingRecord: number | null;
}

/** Interns strings to dense ids: equal ids ⇔ equal strings (after `normalize`). */
class Dictionary {
  private readonly ids = new Map<string, number>();
  constructor(private readonly normalize: (s: string) => string = (s) => s) {}
  id(s: string): number {
    const key = this.normalize(s);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
    }
    return id;
  }
}

function toColumns(
  rows: readonly RegistrationFacts[],
  numbers: Dictionary,
  births: Dictionary,
  kanas: Dictionary,
): ExistingColumns {
  const n = rows.length;
  const cols: ExistingColumns = {
    length: n,
    myNumber: new Float64Array(n),
    birthDays: new Int32Array(n),
    kanaId: new Uint32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.myNumber[i] = numbers.id(r.myNumber);
    cols.birthDays[i] = births.id(r.birthDate);
    cols.kanaId[i] = kanas.id(r.kanaName);
  }
  return cols;
}

export function classifyBatch(
  history: readonly RegistrationFacts[],
  incoming: readonly RegistrationFacts[],
  asOf: string,
  policy: MisEntryPolicy = SEED_POLICY,
): BatchOutcome[] {
  const numbers = new Dictionary();
  const births = new Dictionary();
  const kanas = new Dictionary(normalizeKanaForMatching);
  const inc = toColumns(incoming, numbers, births, kanas);
  const ex = toColumns(history, numbers, births, kanas);
  const index = buildIncomingIndex(inc);
  scanExistingRange(ex, index, 0, ex.length);
  const outcomes = decideOutcomes(matchStateOf(index), asOf, policy, index.rows);
  return Array.from({ length: inc.length }, (_, i) => {
    const c = outcomes.conflictingRecord[i]!;
    return {
      code: MIS_ENTRY_OUTCOMES[outcomes.code[i]!]!,
      conflictingRecord: c < 0 ? null : c,
    };
  });
}
