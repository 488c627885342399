import { normalizeAddressForMatching } from './address.js';
import type { IsoDate } from './dates.js';
import { normalizeKanaForMatching } from './kana.js';

/**
 * My Number mis-entry checks (誤登録チェック) run by the intermediate server when an insurer
 * registers a member: one registration against what is known about its My Number.
 *
 * The rules are effective-dated. The seed's 2021 rules are always on from their dates; the later
 * rules (2023 five-fact match, 2024 J-LIS check of every registration) are policy options that
 * also apply only from their dates. The bulk engine in packages/matching re-implements exactly
 * these semantics over columns; a property test holds the two equal, so keep this small.
 *
 * Semantics, in order (asOf = the registration date):
 * 1. History = stored registrations with the same My Number.
 * 2. With history: BIRTH_DATE (from 2021-03-31) — a stored birth date differs → BIRTH_DATE_MISMATCH.
 *    Else KANA_NAME (from 2021-06-30) — same birth date, a stored カナ氏名 differs after
 *    normalisation (twins) → KANA_NAME_MISMATCH. The first conflicting record is reported.
 * 3. J-LIS is consulted when there is no history (JLIS_NO_HISTORY, from 2021-06-30) or for every
 *    registration (JLIS_FIVE_FACTS, policy, from 2023-04-14, and JLIS_EVERY_REGISTRATION, policy,
 *    from 2024-05-01): not queried yet → NEEDS_JLIS;
 *    J-LIS has no such resident → JLIS_NOT_FOUND; facts differ → JLIS_MISMATCH; else JLIS_VERIFIED.
 *    The facts compared are 生年月日 and カナ氏名, or all five (漢字氏名, カナ氏名, 生年月日, 性別, 住所)
 *    with JLIS_FIVE_FACTS (policy, from 2023-04-14).
 * 4. Otherwise CONSISTENT when a rule in force compared something, else NOT_CHECKED.
 * Under JLIS_EVERY_REGISTRATION a suspicion (any mismatch or not found) also blocks viewing
 * (閲覧停止) until the insurer fixes the record; under JLIS_FIVE_FACTS a J-LIS mismatch or unknown
 * number holds the registration the same way. Under either, a registration waiting for J-LIS is
 * held too (holdsWhileJlisPending).
 *
 * The periodic re-match of accumulated "no history" registrations (from 2021-06-30) is this same
 * function called again later with the history as it is then (the registration itself excluded)
 * and the stored J-LIS answer: once other registrations exist, the history checks apply, and a
 * code that is newly suspected is a new suspicion to notify.
 */

export const MIS_ENTRY_OUTCOMES = [
  'CONSISTENT',
  'BIRTH_DATE_MISMATCH',
  'KANA_NAME_MISMATCH',
  'NEEDS_JLIS',
  'JLIS_VERIFIED',
  'JLIS_MISMATCH',
  'JLIS_NOT_FOUND',
  'NOT_CHECKED',
] as const;
export type MisEntryOutcomeCode = (typeof MIS_ENTRY_OUTCOMES)[number];

export const MIS_ENTRY_RULES = {
  BIRTH_DATE: {
    effectiveFrom: '2021-03-31',
    description: 'same My Number, different birth date',
  },
  JLIS_NO_HISTORY: {
    effectiveFrom: '2021-06-30',
    description: 'a My Number with no history is checked against J-LIS',
  },
  KANA_NAME: {
    effectiveFrom: '2021-06-30',
    description: 'same My Number and birth date, different kana name (twins)',
  },
  JLIS_FIVE_FACTS: {
    effectiveFrom: '2023-04-14',
    description: '漢字氏名, カナ氏名, 生年月日, 性別 and 住所 must all match J-LIS',
  },
  JLIS_EVERY_REGISTRATION: {
    effectiveFrom: '2024-05-01',
    description: 'every registration is checked against J-LIS; a mismatch blocks viewing',
  },
} as const satisfies Record<string, { effectiveFrom: IsoDate; description: string }>;
export type MisEntryRuleId = keyof typeof MIS_ENTRY_RULES;

export const PERSON_FACTS = ['name', 'kanaName', 'birthDate', 'sex', 'address'] as const;
export type PersonFact = (typeof PERSON_FACTS)[number];

/** The five 基本4情報+カナ facts about a person, as J-LIS holds them. */
export interface PersonFacts {
  /** 漢字氏名 */
  name: string;
  /** カナ氏名 */
  kanaName: string;
  birthDate: IsoDate;
  /** 1 male, 2 female, 3 unset */
  sex: string;
  address: string;
}

/** A registration (new or stored) for one My Number. */
export interface MemberRegistration extends PersonFacts {
  myNumber: string;
  insurerNumber: string;
}

/** undefined: J-LIS not queried yet; null: J-LIS has no resident with that My Number. */
export type JlisAnswer = PersonFacts | null | undefined;

export interface MisEntryPolicy {
  /** Apply JLIS_FIVE_FACTS (from 2023-04-14). */
  fiveFactJlisMatch: boolean;
  /** Apply JLIS_EVERY_REGISTRATION (from 2024-05-01). */
  jlisCheckEveryRegistration: boolean;
}

/** The seed's 2021 rules only (the default). */
export const SEED_POLICY: MisEntryPolicy = {
  fiveFactJlisMatch: false,
  jlisCheckEveryRegistration: false,
};
/** Every rule, each from its own date. */
export const CURRENT_POLICY: MisEntryPolicy = {
  fiveFactJlisMatch: true,
  jlisCheckEveryRegistration: true,
};

export interface MisEntryOutcome {
  code: MisEntryOutcomeCode;
  /** The rule that produced the outcome; null for NOT_CHECKED. */
  rule: MisEntryRuleId | null;
  /** That rule's effective date. */
  effectiveFrom: IsoDate | null;
  /** A suspected mis-registration (a mismatch or J-LIS not found). */
  suspected: boolean;
  /** The insurer must be told (suspicions and J-LIS results). */
  notifyInsurer: boolean;
  /** Viewing by institutions is blocked until the insurer resolves it (2024 rule). */
  blocksViewing: boolean;
  /** Facts that differed (from the stored record or from J-LIS). */
  mismatchedFacts: PersonFact[];
  /** Index in `history` of the conflicting stored record, or null. */
  conflictingRecord: number | null;
  /** Rules that would have applied but are not in force on the date. */
  notInForce: MisEntryRuleId[];
}

function inForce(rule: MisEntryRuleId, asOf: IsoDate): boolean {
  return asOf >= MIS_ENTRY_RULES[rule].effectiveFrom;
}

/**
 * 漢字氏名 compares after NFKC with whitespace removed; 住所 across notation (address.ts); カナ氏名
 * as matching reads it (kana.ts).
 */
function normalizeText(s: string): string {
  return s.normalize('NFKC').replace(/\s+/gu, '');
}

/** Facts on which a registration differs from J-LIS, in PERSON_FACTS order. */
export function jlisMismatches(
  registration: PersonFacts,
  jlis: PersonFacts,
  allFive: boolean,
): PersonFact[] {
  const out: PersonFact[] = [];
  if (allFive && normalizeText(registration.name) !== normalizeText(jlis.name)) out.push('name');
  if (normalizeKanaForMatching(registration.kanaName) !== normalizeKanaForMatching(jlis.kanaName)) {
    out.push('kanaName');
  }
  if (registration.birthDate !== jlis.birthDate) out.push('birthDate');
  if (allFive && registration.sex !== jlis.sex) out.push('sex');
  if (
    allFive &&
    normalizeAddressForMatching(registration.address) !== normalizeAddressForMatching(jlis.address)
  ) {
    out.push('address');
  }
  return out;
}

export function classifyRegistration(
  registration: MemberRegistration,
  history: readonly MemberRegistration[],
  jlis: JlisAnswer,
  asOf: IsoDate,
  policy: MisEntryPolicy = SEED_POLICY,
): MisEntryOutcome {
  const notInForce: MisEntryRuleId[] = [];
  const everyInForce =
    policy.jlisCheckEveryRegistration && inForce('JLIS_EVERY_REGISTRATION', asOf);
  const fiveInForce = policy.fiveFactJlisMatch && inForce('JLIS_FIVE_FACTS', asOf);
  let hasHistory = false;
  const outcome = (
    code: MisEntryOutcomeCode,
    rule: MisEntryRuleId | null,
    extra: Partial<Pick<MisEntryOutcome, 'mismatchedFacts' | 'conflictingRecord'>> = {},
  ): MisEntryOutcome => {
    const suspected =
      code === 'BIRTH_DATE_MISMATCH' ||
      code === 'KANA_NAME_MISMATCH' ||
      code === 'JLIS_MISMATCH' ||
      code === 'JLIS_NOT_FOUND';
    const jlisResult =
      code === 'JLIS_VERIFIED' || code === 'JLIS_MISMATCH' || code === 'JLIS_NOT_FOUND';
    return {
      code,
      rule,
      effectiveFrom: rule === null ? null : MIS_ENTRY_RULES[rule].effectiveFrom,
      suspected,
      // 2021: the J-LIS result for a number with no history is always reported to the insurer.
      notifyInsurer: suspected || (jlisResult && !hasHistory),
      blocksViewing:
        suspected &&
        (everyInForce || (fiveInForce && (code === 'JLIS_MISMATCH' || code === 'JLIS_NOT_FOUND'))),
      mismatchedFacts: extra.mismatchedFacts ?? [],
      conflictingRecord: extra.conflictingRecord ?? null,
      notInForce,
    };
  };

  const birthInForce = inForce('BIRTH_DATE', asOf);
  const kanaInForce = inForce('KANA_NAME', asOf);
  const wantedKana = normalizeKanaForMatching(registration.kanaName);

  let kanaDiffersAt = -1;
  for (let i = 0; i < history.length; i++) {
    const stored = history[i] as MemberRegistration;
    if (stored.myNumber !== registration.myNumber) continue;
    hasHistory = true;
    if (stored.birthDate !== registration.birthDate) {
      if (birthInForce) {
        return outcome('BIRTH_DATE_MISMATCH', 'BIRTH_DATE', {
          mismatchedFacts: ['birthDate'],
          conflictingRecord: i,
        });
      }
      if (!notInForce.includes('BIRTH_DATE')) notInForce.push('BIRTH_DATE');
    } else if (kanaDiffersAt < 0 && normalizeKanaForMatching(stored.kanaName) !== wantedKana) {
      kanaDiffersAt = i;
    }
  }
  if (kanaDiffersAt >= 0) {
    if (kanaInForce) {
      return outcome('KANA_NAME_MISMATCH', 'KANA_NAME', {
        mismatchedFacts: ['kanaName'],
        conflictingRecord: kanaDiffersAt,
      });
    }
    notInForce.push('KANA_NAME');
  }

  const jlisRule: MisEntryRuleId | null = everyInForce
    ? 'JLIS_EVERY_REGISTRATION'
    : fiveInForce
      ? 'JLIS_FIVE_FACTS'
      : !hasHistory
        ? inForce('JLIS_NO_HISTORY', asOf)
          ? 'JLIS_NO_HISTORY'
          : null
        : null;
  if (!hasHistory && jlisRule === null) notInForce.push('JLIS_NO_HISTORY');

  if (jlisRule !== null) {
    if (jlis === undefined) return outcome('NEEDS_JLIS', jlisRule);
    if (jlis === null) return outcome('JLIS_NOT_FOUND', jlisRule);
    const mismatchedFacts = jlisMismatches(registration, jlis, fiveInForce);
    const rule = fiveInForce && !everyInForce ? 'JLIS_FIVE_FACTS' : jlisRule;
    return mismatchedFacts.length > 0
      ? outcome('JLIS_MISMATCH', rule, { mismatchedFacts })
      : outcome('JLIS_VERIFIED', rule);
  }
  if (hasHistory && birthInForce) {
    return outcome('CONSISTENT', kanaInForce ? 'KANA_NAME' : 'BIRTH_DATE');
  }
  return outcome('NOT_CHECKED', null);
}

/**
 * A registration waiting for J-LIS under a rule that checks every registration (2023 five facts,
 * 2024 every registration) is held from viewing until J-LIS has agreed.
 */
export function holdsWhileJlisPending(outcome: MisEntryOutcome): boolean {
  return (
    outcome.code === 'NEEDS_JLIS' &&
    (outcome.rule === 'JLIS_EVERY_REGISTRATION' || outcome.rule === 'JLIS_FIVE_FACTS')
  );
}

/** Check states in which something about a registration is suspected. */
export const SUSPECTED_CHECK_STATES: readonly string[] = [
  'birth-date-mismatch',
  'kana-mismatch',
  'jlis-mismatch',
  'jlis-not-found',
];

/**
 * Whether an insurer may confirm "no suspicion" (with a reason): only where something is suspected
 * — a conflict with another registration, a J-LIS mismatch or unknown number — or the registration
 * is withheld from viewing. Confirming anything else would only bury a later suspicion.
 */
export function canConfirmNoSuspicion(checkStatus: string, blocked: boolean): boolean {
  return blocked || SUSPECTED_CHECK_STATES.includes(checkStatus);
}
