import { isKatakanaName, toFullWidthKana } from '@shikaku/core/kana';
import { parseInsuredCard } from '@shikaku/core/insured-card';
import { parseInsurerNumber } from '@shikaku/core/insurer-number';
import { parseMyNumber } from '@shikaku/core/my-number';
import { parseDate } from '@shikaku/core/wareki';

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
  reasonOfLoss: string | null;
  incomeClass: 'general' | 'certain-income' | 'active-equivalent';
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

const INCOME_CLASSES = ['general', 'certain-income', 'active-equivalent'] as const;
const MAX_TEXT = 200;

/**
 * Validates one registration of `insurerNumber` (the authenticated insurer). Every bad field is
 * reported, not only the first; dates may be ISO or 和暦 (H1.9.13, 平成元年9月13日).
 */
export function validateRegistration(
  input: RegistrationInput,
  insurerNumber: string,
): ValidationResult {
  const errors: FieldError[] = [];
  const text = (field: string): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    const s = String(value).trim();
    return s === '' ? undefined : s;
  };
  const required = (field: string): string => {
    const value = text(field);
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
  };
  const date = (field: string, optional: boolean): string | null => {
    const value = optional ? text(field) : required(field);
    if (!value) return null;
    const parsed = parseDate(value);
    if (!parsed.ok) {
      errors.push({ code: parsed.code, field, reason: parsed.reason, message: parsed.message });
      return null;
    }
    return parsed.value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const value = text(field) ?? fallback;
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
  };

  const myNumberText = required('myNumber');
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
  const givenInsurer = text('insurerNumber');
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
    symbol: text('cardSymbol') ?? null,
    number: text('cardNumber') ?? '',
    branch: text('branchNumber') ?? null,
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
  const name = required('name');
  const kana = required('nameKana');
  if (kana && !isKatakanaName(kana)) {
    errors.push({
      code: 'INVALID_KANA_NAME',
      field: 'nameKana',
      reason: 'NOT_KATAKANA',
      message: 'nameKana must be katakana (full or half width) with spaces between the parts',
    });
  }
  const birthDate = date('birthDate', false);
  const sex = oneOf('sex', ['1', '2', '3'] as const, '3');
  const address = required('address');
  const postNumber = (text('postNumber') ?? '').replace('-', '');
  if (postNumber !== '' && !/^\d{7}$/.test(postNumber)) {
    errors.push({
      code: 'INVALID_FIELD',
      field: 'postNumber',
      reason: 'FORMAT',
      message: 'postNumber is 7 digits (123-4567 or 1234567)',
    });
  }
  const qualificationDate = date('qualificationDate', false);
  const disqualificationDate = date('disqualificationDate', true);
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
  const personalFamily = oneOf('personalFamily', ['1', '2'] as const, '1');
  const incomeClass = oneOf('incomeClass', INCOME_CLASSES, 'general');
  const cardClassification = text('cardClassification') ?? '01';
  if (!/^\d{2}$/.test(cardClassification)) {
    errors.push({
      code: 'INVALID_FIELD',
      field: 'cardClassification',
      reason: 'FORMAT',
      message: 'cardClassification is a two-digit code',
    });
  }
  const reasonOfLoss = text('reasonOfLoss') ?? null;
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
    },
  };
}
