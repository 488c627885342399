import {
  CERTIFICATE_MAX_YEARS,
  certificateLatestEnd,
  insuranceDocumentKind,
} from '@shikaku/core/insurance-document';
import { isCodeOf, ReasonOfLoss } from '@shikaku/core/code-tables';
import { isKatakanaName, toFullWidthKana } from '@shikaku/core/kana';
import { parseInsuredCard } from '@shikaku/core/insured-card';
import { parseInsurerNumber } from '@shikaku/core/insurer-number';
import { parseMyNumber } from '@shikaku/core/my-number';
import { containsMyNumber, MY_NUMBER_IN_FREE_TEXT } from '@shikaku/core/my-number-in-text';
import { parseDate } from '@shikaku/core/wareki';
import { textProblem } from '@shikaku/platform/input-guards';

/** A registration as an insurer sends it (JSON body, CSV row or NDJSON line): strings. */
export type RegistrationInput = Record<string, unknown>;

/** A registration that passed validation, in storage form. */
export interface ValidRegistration {
  myNumber: string;
  insurerNumber: string;
  cardSymbol: string | null;
  cardNumber: string;
  branchNumber: string;
  cardClassification: string;
  personalFamily: '1' | '2';
  name: string;
  /** Full-width katakana. */
  nameKana: string;
  birthDate: string;
  sex: '1' | '2' | '3';
  address: string;
  postNumber: string;
  qualificationDate: string;
  disqualificationDate: string | null;
  /** A code of OQSCD008 資格喪失事由, or null. */
  reasonOfLoss: string | null;
  incomeClass: 'general' | 'certain-income' | 'active-equivalent';
  /** 被保険者証交付年月日, or null when not given. */
  cardIssuedOn: string | null;
  /** 被保険者証有効開始年月日; qualificationDate when not given (docs/decisions.md). */
  cardValidFrom: string;
  /** 被保険者証有効終了年月日, or null when the card has no end date. */
  cardValidTo: string | null;
}

/** One rejected value: a stable code, the field, and why. */
export interface FieldError {
  code: string;
  field: string;
  reason: string;
  message: string;
}

export type ValidationResult =
  { ok: true; value: ValidRegistration } | { ok: false; errors: FieldError[] };

const SEXES = ['1', '2', '3'] as const;
const PERSONAL_FAMILY = ['1', '2'] as const;
const INCOME_CLASSES = ['general', 'certain-income', 'active-equivalent'] as const;
const MAX_TEXT = 200;
const POST_NUMBER = /^\d{7}$/;
const CARD_CLASSIFICATION = /^\d{2}$/;

// Plain helpers, not closures made per call, given the field's value read by a literal name
// (`input.name`) rather than `input[field]`: V8 makes a literal name a fast load and a variable one
// a generic lookup. A bulk file validates millions of records.

/** A value as trimmed text; undefined when absent or blank. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function required(raw: unknown, field: string, errors: FieldError[]): string {
  const value = text(raw);
  if (value === undefined) {
    errors.push({
      code: 'MISSING_FIELD',
      field,
      reason: 'REQUIRED',
      message: `${field} is required`,
    });
    return '';
  }
  if (value.length > MAX_TEXT) {
    errors.push({
      code: 'INVALID_FIELD',
      field,
      reason: 'TOO_LONG',
      message: `${field} has at most ${MAX_TEXT} characters`,
    });
  }
  return value;
}

/** An ISO date from ISO or 和暦 text; null when absent or invalid. */
function date(raw: unknown, field: string, optional: boolean, errors: FieldError[]): string | null {
  const value = optional ? text(raw) : required(raw, field, errors);
  if (!value) return null;
  const parsed = parseDate(value);
  if (!parsed.ok) {
    errors.push({ code: parsed.code, field, reason: parsed.reason, message: parsed.message });
    return null;
  }
  return parsed.value;
}

function oneOf<T extends string>(
  raw: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T,
  errors: FieldError[],
): T {
  const value = text(raw) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    errors.push({
      code: 'INVALID_FIELD',
      field,
      reason: 'NOT_ALLOWED',
      message: `${field} must be one of ${allowed.join(', ')}`,
    });
    return fallback;
  }
  return value as T;
}

/** The insurance card's dates, checked against each other and the birth date. */
function cardDates(
  input: RegistrationInput,
  birthDate: string | null,
  qualificationDate: string | null,
  errors: FieldError[],
): { issuedOn: string | null; validFrom: string | null; validTo: string | null } {
  const issuedOn = date(input.cardIssuedOn, 'cardIssuedOn', true, errors);
  const givenFrom = date(input.cardValidFrom, 'cardValidFrom', true, errors);
  const validTo = date(input.cardValidTo, 'cardValidTo', true, errors);
  if (givenFrom && birthDate && givenFrom < birthDate) {
    errors.push({
      code: 'INVALID_DATE',
      field: 'cardValidFrom',
      reason: 'BEFORE_BIRTH',
      message: 'cardValidFrom is before birthDate',
    });
  }
  // A card is valid from the day its qualification starts unless the insurer says otherwise.
  const validFrom = givenFrom ?? qualificationDate;
  if (validFrom && validTo && validTo < validFrom) {
    errors.push({
      code: 'INVALID_DATE',
      field: 'cardValidTo',
      reason: 'BEFORE_VALID_FROM',
      message: givenFrom
        ? 'cardValidTo is before cardValidFrom'
        : 'cardValidTo is before cardValidFrom (qualificationDate when not given)',
    });
  }
  // From 2024-12-02 a document issued is a 資格確認書, valid at most five years (its end is the
  // insurer's to set within that; docs/decisions.md "The 2024-12 era").
  if (
    issuedOn &&
    validTo &&
    insuranceDocumentKind({
      qualificationDate: qualificationDate ?? issuedOn,
      cardIssuedOn: issuedOn,
      cardValidTo: validTo,
    }) === 'qualification-certificate' &&
    validTo > certificateLatestEnd(issuedOn)
  ) {
    errors.push({
      code: 'INVALID_DATE',
      field: 'cardValidTo',
      reason: 'CERTIFICATE_TOO_LONG',
      message: `a 資格確認書 (issued from 2024-12-02) is valid at most ${CERTIFICATE_MAX_YEARS} years: cardValidTo after ${certificateLatestEnd(issuedOn)}`,
    });
  }
  return { issuedOn, validFrom, validTo };
}

/** 資格喪失事由: a code of OQSCD008 or absent. The value is not echoed (it may be anything). */
function lossReason(raw: unknown, errors: FieldError[]): string | null {
  const value = text(raw);
  if (value === undefined) return null;
  if (!isCodeOf(ReasonOfLoss, value)) {
    errors.push({
      code: 'INVALID_CODE',
      field: 'reasonOfLoss',
      reason: 'NOT_IN_TABLE',
      message: `reasonOfLoss must be a code of ${ReasonOfLoss.id} ${ReasonOfLoss.name}: ${Object.keys(ReasonOfLoss.codes).sort().join(', ')}`,
    });
    return null;
  }
  return value;
}

/**
 * A My Number typed into a free-text field would travel through the outbox to the eligibility side
 * and into confirmation answers: refused with the field named and the value never echoed.
 */
function noMyNumberIn(raw: unknown, field: string, errors: FieldError[]): void {
  if (typeof raw !== 'string' || !containsMyNumber(raw)) return;
  errors.push({
    code: MY_NUMBER_IN_FREE_TEXT,
    field,
    reason: 'MY_NUMBER',
    message: `${field} holds a 12-digit number with a valid My Number check digit; a My Number goes in myNumber only`,
  });
}

/** Every field a registration reads; a value of any of them must be storable text. */
const FIELDS = new Set([
  'myNumber',
  'insurerNumber',
  'cardSymbol',
  'cardNumber',
  'branchNumber',
  'cardClassification',
  'personalFamily',
  'name',
  'nameKana',
  'birthDate',
  'sex',
  'address',
  'postNumber',
  'qualificationDate',
  'disqualificationDate',
  'reasonOfLoss',
  'incomeClass',
  'cardIssuedOn',
  'cardValidFrom',
  'cardValidTo',
]);

/**
 * A value PostgreSQL could not store as text, or one that is not text at all (an NDJSON object,
 * array or boolean), is refused here: one such value must cost its line, never the chunk.
 */
function storableValues(input: RegistrationInput, errors: FieldError[]): void {
  for (const field in input) {
    if (!FIELDS.has(field)) continue;
    const value = input[field];
    if (value === undefined || value === null || typeof value === 'string') {
      const problem = typeof value === 'string' ? textProblem(value) : null;
      if (problem)
        errors.push({
          code: 'INVALID_TEXT',
          field,
          reason: problem,
          message: `${field} ${problem === 'NUL' ? 'contains a NUL character' : 'contains an unpaired UTF-16 surrogate'}`,
        });
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      errors.push({
        code: 'INVALID_FIELD',
        field,
        reason: 'TYPE',
        message: `${field} must be text`,
      });
    }
  }
}

/**
 * Validates one registration of `insurerNumber` (the authenticated insurer). Every bad field is
 * reported, not only the first; dates may be ISO or 和暦 (H1.9.13, 平成元年9月13日).
 */
export function validateRegistration(
  input: RegistrationInput,
  insurerNumber: string,
): ValidationResult {
  const errors: FieldError[] = [];
  storableValues(input, errors);
  if (errors.length > 0) return { ok: false, errors };
  const myNumberText = required(input.myNumber, 'myNumber', errors);
  if (myNumberText) {
    const parsed = parseMyNumber(myNumberText);
    if (!parsed.ok) {
      errors.push({
        code: parsed.code,
        field: 'myNumber',
        reason: parsed.reason,
        message: parsed.message,
      });
    }
  }
  const givenInsurer = text(input.insurerNumber);
  if (givenInsurer !== undefined) {
    const parsed = parseInsurerNumber(givenInsurer);
    if (!parsed.ok) {
      errors.push({
        code: parsed.code,
        field: 'insurerNumber',
        reason: parsed.reason,
        message: parsed.message,
      });
    } else if (parsed.value.insurerNumber !== insurerNumber) {
      errors.push({
        code: 'INSURER_MISMATCH',
        field: 'insurerNumber',
        reason: 'NOT_YOURS',
        message: 'an insurer registers only its own members',
      });
    }
  }
  const card = parseInsuredCard({
    symbol: text(input.cardSymbol) ?? null,
    number: text(input.cardNumber) ?? '',
    branch: text(input.branchNumber) ?? null,
    insurerNumber,
  });
  if (!card.ok) {
    const field = card.reason.startsWith('SYMBOL')
      ? 'cardSymbol'
      : card.reason.startsWith('BRANCH')
        ? 'branchNumber'
        : 'cardNumber';
    errors.push({ code: card.code, field, reason: card.reason, message: card.message });
  }
  const name = required(input.name, 'name', errors);
  const kana = required(input.nameKana, 'nameKana', errors);
  if (kana && !isKatakanaName(kana)) {
    errors.push({
      code: 'INVALID_KANA_NAME',
      field: 'nameKana',
      reason: 'NOT_KATAKANA',
      message: 'nameKana must be katakana (full or half width) with spaces between the parts',
    });
  }
  const birthDate = date(input.birthDate, 'birthDate', false, errors);
  const sex = oneOf(input.sex, 'sex', SEXES, '3', errors);
  const address = required(input.address, 'address', errors);
  const postNumber = (text(input.postNumber) ?? '').replace('-', '');
  if (postNumber !== '' && !POST_NUMBER.test(postNumber)) {
    errors.push({
      code: 'INVALID_FIELD',
      field: 'postNumber',
      reason: 'FORMAT',
      message: 'postNumber is 7 digits (123-4567 or 1234567)',
    });
  }
  const qualificationDate = date(input.qualificationDate, 'qualificationDate', false, errors);
  const disqualificationDate = date(
    input.disqualificationDate,
    'disqualificationDate',
    true,
    errors,
  );
  if (qualificationDate && disqualificationDate && disqualificationDate < qualificationDate) {
    errors.push({
      code: 'INVALID_DATE',
      field: 'disqualificationDate',
      reason: 'BEFORE_QUALIFICATION',
      message: 'disqualificationDate is before qualificationDate',
    });
  }
  if (birthDate && qualificationDate && qualificationDate < birthDate) {
    errors.push({
      code: 'INVALID_DATE',
      field: 'qualificationDate',
      reason: 'BEFORE_BIRTH',
      message: 'qualificationDate is before birthDate',
    });
  }
  const personalFamily = oneOf(
    input.personalFamily,
    'personalFamily',
    PERSONAL_FAMILY,
    '1',
    errors,
  );
  const incomeClass = oneOf(input.incomeClass, 'incomeClass', INCOME_CLASSES, 'general', errors);
  const cardClassification = text(input.cardClassification) ?? '01';
  if (!CARD_CLASSIFICATION.test(cardClassification)) {
    errors.push({
      code: 'INVALID_FIELD',
      field: 'cardClassification',
      reason: 'FORMAT',
      message: 'cardClassification is a two-digit code',
    });
  }
  const reasonOfLoss = lossReason(input.reasonOfLoss, errors);
  // Every field people type text into, by literal name (see above).
  noMyNumberIn(input.name, 'name', errors);
  noMyNumberIn(input.nameKana, 'nameKana', errors);
  noMyNumberIn(input.address, 'address', errors);
  noMyNumberIn(input.postNumber, 'postNumber', errors);
  noMyNumberIn(input.cardSymbol, 'cardSymbol', errors);
  noMyNumberIn(input.cardNumber, 'cardNumber', errors);
  noMyNumberIn(input.branchNumber, 'branchNumber', errors);
  noMyNumberIn(input.cardClassification, 'cardClassification', errors);
  noMyNumberIn(input.reasonOfLoss, 'reasonOfLoss', errors);
  const cardDate = cardDates(input, birthDate, qualificationDate, errors);
  if (errors.length > 0 || !card.ok || !birthDate || !qualificationDate) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      myNumber: myNumberText,
      insurerNumber,
      cardSymbol: card.value.symbol,
      cardNumber: card.value.number,
      branchNumber: card.value.branch ?? '00',
      cardClassification,
      personalFamily,
      name,
      nameKana: toFullWidthKana(kana),
      birthDate,
      sex,
      address,
      postNumber,
      qualificationDate,
      disqualificationDate,
      reasonOfLoss,
      incomeClass,
      cardIssuedOn: cardDate.issuedOn,
      cardValidFrom: cardDate.validFrom ?? qualificationDate,
      cardValidTo: cardDate.validTo,
    },
  };
}
