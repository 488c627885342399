import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { describe, expect, it } from 'vitest';
import { type RegistrationInput, validateRegistration } from './validate.js';

const INSURER = insurerNumberFromBody('0113999');
const GOOD: RegistrationInput = {
  myNumber: '123456789018',
  cardSymbol: ' B1 ',
  cardNumber: 'N1',
  branchNumber: '',
  name: '山田 太郎',
  nameKana: 'ﾔﾏﾀﾞ ﾀﾛｳ',
  birthDate: 'H1.9.13',
  sex: '1',
  address: '東京都',
  postNumber: '123-4567',
  qualificationDate: '2021-07-15',
};

const fieldsOf = (input: RegistrationInput) => {
  const result = validateRegistration(input, INSURER);
  return result.ok ? [] : result.errors.map((e) => `${e.field} ${e.code} ${e.reason}`);
};

describe('validateRegistration', () => {
  it('trims, applies defaults and converts to storage form', () => {
    expect(validateRegistration(GOOD, INSURER)).toEqual({
      ok: true,
      value: {
        myNumber: '123456789018',
        insurerNumber: INSURER,
        cardSymbol: 'B1',
        cardNumber: 'N1',
        branchNumber: '00',
        cardClassification: '01',
        personalFamily: '1',
        name: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        birthDate: '1989-09-13',
        sex: '1',
        address: '東京都',
        postNumber: '1234567',
        qualificationDate: '2021-07-15',
        disqualificationDate: null,
        reasonOfLoss: null,
        incomeClass: 'general',
        cardIssuedOn: null,
        cardValidFrom: '2021-07-15',
        cardValidTo: null,
      },
    });
  });

  it('reports every bad field, in field order, with its code, reason and message', () => {
    const result = validateRegistration(
      {
        myNumber: '123456789012',
        insurerNumber: '0113998',
        cardNumber: '',
        name: '',
        nameKana: 'yamada',
        birthDate: '2000-01-01',
        sex: '4',
        address: 'a'.repeat(201),
        postNumber: '12-34',
        qualificationDate: '2021-02-30',
        personalFamily: '3',
        incomeClass: 'rich',
        cardClassification: '1',
      },
      INSURER,
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          code: 'INVALID_MY_NUMBER',
          field: 'myNumber',
          reason: 'CHECK_DIGIT',
          message: 'the check digit (12th digit) does not match',
        },
        {
          code: 'INVALID_INSURER_NUMBER',
          field: 'insurerNumber',
          reason: 'CHECK_DIGIT',
          message: 'the check digit (last digit) does not match',
        },
        {
          code: 'INVALID_INSURED_CARD',
          field: 'cardSymbol',
          reason: 'SYMBOL_REQUIRED',
          message: 'the 記号 (card symbol) is required',
        },
        { code: 'MISSING_FIELD', field: 'name', reason: 'REQUIRED', message: 'name is required' },
        {
          code: 'INVALID_KANA_NAME',
          field: 'nameKana',
          reason: 'NOT_KATAKANA',
          message: 'nameKana must be katakana (full or half width) with spaces between the parts',
        },
        {
          code: 'INVALID_FIELD',
          field: 'sex',
          reason: 'NOT_ALLOWED',
          message: 'sex must be one of 1, 2, 3',
        },
        {
          code: 'INVALID_FIELD',
          field: 'address',
          reason: 'TOO_LONG',
          message: 'address has at most 200 characters',
        },
        {
          code: 'INVALID_FIELD',
          field: 'postNumber',
          reason: 'FORMAT',
          message: 'postNumber is 7 digits (123-4567 or 1234567)',
        },
        {
          code: 'INVALID_DATE',
          field: 'qualificationDate',
          reason: 'DAY',
          message: '2021-02-30 is not a calendar date',
        },
        {
          code: 'INVALID_FIELD',
          field: 'personalFamily',
          reason: 'NOT_ALLOWED',
          message: 'personalFamily must be one of 1, 2',
        },
        {
          code: 'INVALID_FIELD',
          field: 'incomeClass',
          reason: 'NOT_ALLOWED',
          message: 'incomeClass must be one of general, certain-income, active-equivalent',
        },
        {
          code: 'INVALID_FIELD',
          field: 'cardClassification',
          reason: 'FORMAT',
          message: 'cardClassification is a two-digit code',
        },
      ],
    });
  });

  it('reports missing fields, another insurer and dates out of order', () => {
    expect(fieldsOf({ ...GOOD, myNumber: ' ', nameKana: null, birthDate: undefined })).toEqual([
      'myNumber MISSING_FIELD REQUIRED',
      'nameKana MISSING_FIELD REQUIRED',
      'birthDate MISSING_FIELD REQUIRED',
    ]);
    expect(fieldsOf({ ...GOOD, insurerNumber: insurerNumberFromBody('0113998') })).toEqual([
      'insurerNumber INSURER_MISMATCH NOT_YOURS',
    ]);
    expect(
      fieldsOf({ ...GOOD, birthDate: '2022-01-01', disqualificationDate: '2021-01-01' }),
    ).toEqual([
      'disqualificationDate INVALID_DATE BEFORE_QUALIFICATION',
      'qualificationDate INVALID_DATE BEFORE_BIRTH',
    ]);
  });
});

describe('validateRegistration: insurance-card dates', () => {
  const valueOf = (input: RegistrationInput) => {
    const result = validateRegistration(input, INSURER);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.value;
  };

  it('takes the three dates in ISO or 和暦, and the card is valid from the qualification date by default', () => {
    expect(
      valueOf({
        ...GOOD,
        cardIssuedOn: 'R3.7.20',
        cardValidFrom: '2021-07-15',
        cardValidTo: '令和4年7月31日',
      }),
    ).toMatchObject({
      cardIssuedOn: '2021-07-20',
      cardValidFrom: '2021-07-15',
      cardValidTo: '2022-07-31',
    });
    expect(valueOf({ ...GOOD, qualificationDate: 'H31.4.1' })).toMatchObject({
      cardIssuedOn: null,
      cardValidFrom: '2019-04-01',
      cardValidTo: null,
    });
    expect(
      valueOf({ ...GOOD, cardValidFrom: ' ', cardIssuedOn: '', cardValidTo: null }),
    ).toMatchObject({ cardIssuedOn: null, cardValidFrom: '2021-07-15', cardValidTo: null });
  });

  it('rejects a date that is not on the calendar, in each card-date field', () => {
    expect(
      fieldsOf({
        ...GOOD,
        cardIssuedOn: '2021-02-30',
        cardValidFrom: 'H31.5.1',
        cardValidTo: '2021-13-01',
      }),
    ).toEqual([
      'cardIssuedOn INVALID_DATE DAY',
      'cardValidFrom INVALID_DATE OUT_OF_ERA',
      'cardValidTo INVALID_DATE MONTH',
    ]);
  });

  it('rejects cardValidTo before cardValidFrom, or before the qualification date when that is the default', () => {
    expect(fieldsOf({ ...GOOD, cardValidFrom: '2021-08-01', cardValidTo: '2021-07-31' })).toEqual([
      'cardValidTo INVALID_DATE BEFORE_VALID_FROM',
    ]);
    expect(fieldsOf({ ...GOOD, cardValidTo: '2021-07-14' })).toEqual([
      'cardValidTo INVALID_DATE BEFORE_VALID_FROM',
    ]);
    // The same day is a card valid for one day.
    expect(fieldsOf({ ...GOOD, cardValidFrom: '2021-08-01', cardValidTo: '2021-08-01' })).toEqual(
      [],
    );
  });

  it('a 資格確認書 (issued from 2024-12-02) runs at most five years; an old card has no such limit', () => {
    const certificate = { ...GOOD, qualificationDate: '2024-12-01', cardIssuedOn: '2024-12-02' };
    expect(fieldsOf({ ...certificate, cardValidTo: '2029-12-01' })).toEqual([]);
    expect(fieldsOf({ ...certificate, cardValidTo: '2029-12-02' })).toEqual([
      'cardValidTo INVALID_DATE CERTIFICATE_TOO_LONG',
    ]);
    expect(fieldsOf({ ...GOOD, cardIssuedOn: '2021-07-15', cardValidTo: '2031-07-15' })).toEqual(
      [],
    );
  });

  it('rejects cardValidFrom before the birth date', () => {
    expect(fieldsOf({ ...GOOD, cardValidFrom: 'S64.1.7' })).toEqual([
      'cardValidFrom INVALID_DATE BEFORE_BIRTH',
    ]);
    expect(fieldsOf({ ...GOOD, cardValidFrom: '1989-09-13' })).toEqual([]);
  });
});

describe('validateRegistration: reason of loss (OQSCD008)', () => {
  it('accepts the codes of the table', () => {
    for (const code of ['01', '02', '03', '99']) {
      const result = validateRegistration(
        { ...GOOD, disqualificationDate: '2021-08-01', reasonOfLoss: code },
        INSURER,
      );
      expect(result.ok && result.value.reasonOfLoss).toBe(code);
    }
  });

  it('rejects any other value with a stable code, naming the table and not echoing the value', () => {
    for (const bad of ['ZZ-not-a-code', '1', '00', '04', '死亡']) {
      // One message for every bad value: the value itself is never repeated back.
      expect(validateRegistration({ ...GOOD, reasonOfLoss: bad }, INSURER)).toEqual({
        ok: false,
        errors: [
          {
            code: 'INVALID_CODE',
            field: 'reasonOfLoss',
            reason: 'NOT_IN_TABLE',
            message: 'reasonOfLoss must be a code of OQSCD008 資格喪失事由: 01, 02, 03, 99',
          },
        ],
      });
    }
  });

  describe('a My Number typed into a free-text field', () => {
    // Not this member's number; a valid check digit.
    const OTHER = myNumberFromBody('98765432100');
    const grouped = (sep: string) =>
      [OTHER.slice(0, 4), OTHER.slice(4, 8), OTHER.slice(8)].join(sep);
    const fullWidth = OTHER.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    it.each([
      ['name', `資格 ${OTHER}`],
      ['nameKana', `ｼｶｸ ${OTHER}`],
      ['address', `東京都千代田区1-2-3 ${grouped('-')}`],
      ['address', `東京都 ${fullWidth}`],
      ['cardSymbol', OTHER],
      ['cardNumber', grouped(' ')],
      ['reasonOfLoss', OTHER],
    ])('is refused in %s (%s), naming the field, never echoing the value', (field, value) => {
      const result = validateRegistration({ ...GOOD, [field]: value }, INSURER);
      expect(result.ok).toBe(false);
      const errors = result.ok ? [] : result.errors;
      expect(errors).toContainEqual(
        expect.objectContaining({ code: 'MY_NUMBER_IN_FREE_TEXT', field }),
      );
      const said = JSON.stringify(errors);
      for (const digits of [OTHER, grouped('-'), grouped(' '), fullWidth, OTHER.slice(4, 8)])
        expect(said).not.toContain(digits);
    });

    it('lets other digits through (a phone-like number, a wrong check digit)', () => {
      const wrong = `${OTHER.slice(0, 11)}${(Number(OTHER[11]) + 1) % 10}`;
      expect(fieldsOf({ ...GOOD, address: '東京都 03-1234-5678' })).toEqual([]);
      expect(fieldsOf({ ...GOOD, address: `東京都 ${wrong}` })).toEqual([]);
    });
  });
});
