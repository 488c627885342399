import { createHash, randomInt } from 'node:crypto';
import {
  classifyRegistration,
  holdsWhileJlisPending,
  type MemberRegistration,
  type MisEntryOutcome,
  type MisEntryPolicy,
} from '@shikaku/core/mis-entry';
import { classifyBatch as classifyBatchColumns } from '@shikaku/matching/batch';
import type {
  HistoryEntry,
  RegistrationCheckStatus,
  RegistrationWrite,
} from '@shikaku/db/intermediate/registrations';
import { v7 as uuidv7 } from 'uuid';
import { personRefOf } from '../person-ref.js';
import type { ValidRegistration } from './validate.js';

export interface ClassifyContext {
  /** JST date of the registration: the rules in force are those of this date. */
  registeredOn: string;
  policy: MisEntryPolicy;
  personRefSecret: string;
  /** sha256 of the bulk file, or null for a single registration. */
  sourceHash: string | null;
}

export interface ClassifiedRegistration {
  write: RegistrationWrite;
  outcome: MisEntryOutcome;
}

const STATUS_OF: Record<MisEntryOutcome['code'], RegistrationCheckStatus> = {
  CONSISTENT: 'consistent',
  BIRTH_DATE_MISMATCH: 'birth-date-mismatch',
  KANA_NAME_MISMATCH: 'kana-mismatch',
  NEEDS_JLIS: 'jlis-pending',
  JLIS_VERIFIED: 'jlis-verified',
  JLIS_MISMATCH: 'jlis-mismatch',
  JLIS_NOT_FOUND: 'jlis-not-found',
  NOT_CHECKED: 'unchecked',
};

export function checkStatusOf(
  outcome: MisEntryOutcome,
  hasHistory: boolean,
): RegistrationCheckStatus {
  if (outcome.code === 'NOT_CHECKED' && !hasHistory) return 'no-history';
  return STATUS_OF[outcome.code];
}

/** What the insurer is told, by outcome (no personal data in the text). */
export function notificationMessage(outcome: MisEntryOutcome): string {
  const facts = outcome.mismatchedFacts.join(', ');
  switch (outcome.code) {
    case 'BIRTH_DATE_MISMATCH':
      return 'suspected mis-registration: this My Number is registered with a different birth date';
    case 'KANA_NAME_MISMATCH':
      return 'suspected mis-registration: this My Number is registered with the same birth date and a different kana name (twins?)';
    case 'JLIS_VERIFIED':
      return 'J-LIS: the resident registry agrees with this registration';
    case 'JLIS_MISMATCH':
      return `J-LIS: the resident registry differs on ${facts}`;
    case 'JLIS_NOT_FOUND':
      return 'J-LIS: no resident has this My Number';
    default:
      return outcome.code;
  }
}

export function toMemberRegistration(r: {
  myNumber: string;
  insurerNumber: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: string;
  address: string;
}): MemberRegistration {
  return {
    myNumber: r.myNumber,
    insurerNumber: r.insurerNumber,
    name: r.name,
    kanaName: r.nameKana,
    birthDate: r.birthDate,
    sex: r.sex,
    address: r.address,
  };
}

/** The stored registrations the rule compares with: those of other cards (not this one). */
export function otherRegistrations(
  history: readonly HistoryEntry[] | undefined,
  card: {
    insurerNumber: string;
    cardSymbol: string | null;
    cardNumber: string;
    branchNumber: string;
  },
): MemberRegistration[] {
  if (!history) return [];
  const out: MemberRegistration[] = [];
  for (const h of history) {
    if (
      h.insurerNumber === card.insurerNumber &&
      h.cardSymbol === card.cardSymbol &&
      h.cardNumber === card.cardNumber &&
      h.branchNumber === card.branchNumber
    ) {
      continue;
    }
    out.push({
      myNumber: h.myNumber,
      insurerNumber: h.insurerNumber,
      name: '',
      kanaName: h.nameKana,
      birthDate: h.birthDate,
      sex: '',
      address: '',
    });
  }
  return out;
}

/** For registrations without stored history (most of a bulk file): shared, never changed. */
const NO_OTHERS: readonly MemberRegistration[] = [];

function cardKeyOf(card: {
  insurerNumber: string;
  cardSymbol: string | null;
  cardNumber: string;
  branchNumber: string;
}): string {
  return `${card.insurerNumber}/${card.cardSymbol ?? ''}/${card.cardNumber}/${card.branchNumber}`;
}

/** Short digest of the compared facts: a notification is made once per content. */
export function factsDigest(r: { myNumber: string; birthDate: string; nameKana: string }): string {
  return createHash('sha256')
    .update(`${r.myNumber}|${r.birthDate}|${r.nameKana}`)
    .digest('base64url')
    .slice(0, 16);
}

/**
 * Qualification ids for a batch: UUIDv7s of one millisecond with consecutive sequence numbers from
 * a random start. Time-ordered, new rows land near one edge of the primary-key index rather than on
 * a random page of a 10M-row index each; consecutive, a batch's rows take their own run of pages
 * instead of interleaving with a batch classified at the same moment on another worker thread
 * (whose writers would then contend for the same pages).
 */
function batchIds(count: number): () => string {
  const msecs = Date.now();
  let seq = randomInt(0, 2 ** 32 - count);
  return () => uuidv7({ msecs, seq: seq++ });
}

/**
 * Classifies registrations against the stored history (J-LIS not queried yet) with the bulk
 * matching engine of packages/matching, which implements core's classifyRegistration over
 * columns (a property test there holds the two equal), and turns each into what is written:
 * status, block, notification, J-LIS check. The outcome's details (rule, whether it notifies or
 * blocks) come from core itself, once per kind of outcome in the batch. History is the database
 * before the batch; registrations within one batch are compared by the periodic re-match.
 */
export function classifyBatch(
  items: ReadonlyArray<{ value: ValidRegistration; line: number | null }>,
  history: ReadonlyMap<string, HistoryEntry[]>,
  context: ClassifyContext,
): ClassifiedRegistration[] {
  const nextId = batchIds(items.length);
  // A card's own stored version is not history for its re-registration.
  const stored: HistoryEntry[] = [];
  if (history.size > 0) {
    const incomingCards = new Set(items.map(({ value }) => cardKeyOf(value)));
    for (const entries of history.values()) {
      for (const h of entries) if (!incomingCards.has(cardKeyOf(h))) stored.push(h);
    }
  }
  const codes = classifyBatchColumns(
    stored.map((h) => ({ myNumber: h.myNumber, birthDate: h.birthDate, kanaName: h.nameKana })),
    items.map(({ value }) => ({
      myNumber: value.myNumber,
      birthDate: value.birthDate,
      kanaName: value.nameKana,
    })),
    context.registeredOn,
    context.policy,
  );
  // Core's outcome for each code, without history and with it.
  const details = [new Map<string, MisEntryOutcome>(), new Map<string, MisEntryOutcome>()];
  return items.map(({ value, line }, i) => {
    const entries = history.get(value.myNumber);
    const others = entries ? otherRegistrations(entries, value) : NO_OTHERS;
    const { code, conflictingRecord } = codes[i]!;
    const detailsOfCode = details[others.length > 0 ? 1 : 0]!;
    let detail = detailsOfCode.get(code);
    if (!detail) {
      detail = classifyRegistration(
        toMemberRegistration(value),
        others,
        undefined,
        context.registeredOn,
        context.policy,
      );
      detailsOfCode.set(code, detail);
    }
    // The engine and core agree (property-tested); should they not, core's answer for the row wins.
    // Literals in core's key order, not spreads of `detail`: built once per row.
    const outcome: MisEntryOutcome =
      detail.code !== code
        ? classifyRegistration(
            toMemberRegistration(value),
            others,
            undefined,
            context.registeredOn,
            context.policy,
          )
        : {
            code,
            rule: detail.rule,
            effectiveFrom: detail.effectiveFrom,
            suspected: detail.suspected,
            notifyInsurer: detail.notifyInsurer,
            blocksViewing: detail.blocksViewing,
            mismatchedFacts:
              code === 'BIRTH_DATE_MISMATCH'
                ? ['birthDate']
                : code === 'KANA_NAME_MISMATCH'
                  ? ['kanaName']
                  : [],
            conflictingRecord,
            notInForce: detail.notInForce,
          };
    const needsJlis = outcome.code === 'NEEDS_JLIS';
    // An explicit literal, not a spread of `value`: V8 builds it an order of magnitude faster.
    const write: RegistrationWrite = {
      myNumber: value.myNumber,
      insurerNumber: value.insurerNumber,
      cardSymbol: value.cardSymbol,
      cardNumber: value.cardNumber,
      branchNumber: value.branchNumber,
      cardClassification: value.cardClassification,
      personalFamily: value.personalFamily,
      name: value.name,
      nameKana: value.nameKana,
      birthDate: value.birthDate,
      sex: value.sex,
      address: value.address,
      postNumber: value.postNumber,
      qualificationDate: value.qualificationDate,
      disqualificationDate: value.disqualificationDate,
      reasonOfLoss: value.reasonOfLoss,
      incomeClass: value.incomeClass,
      cardIssuedOn: value.cardIssuedOn,
      cardValidFrom: value.cardValidFrom,
      cardValidTo: value.cardValidTo,
      qualificationId: nextId(),
      personRef: personRefOf(context.personRefSecret, value.myNumber),
      registeredOn: context.registeredOn,
      checkStatus: checkStatusOf(outcome, others.length > 0),
      noHistory: others.length === 0,
      // Under the 2023 and 2024 rules a registration waits for J-LIS before institutions see it.
      blocked: outcome.blocksViewing || holdsWhileJlisPending(outcome),
      sourceHash: context.sourceHash,
      sourceLine: line,
      notification: outcome.notifyInsurer
        ? {
            kind: outcome.code,
            message: notificationMessage(outcome),
            dedupeKey: `${cardKeyOf(value)}:${outcome.code}:${factsDigest(value)}`,
          }
        : null,
      jlisCheck: needsJlis ? (outcome.rule ?? 'JLIS_NO_HISTORY') : null,
    };
    return { write, outcome };
  });
}
