import { describe, expect, it } from 'vitest';
import {
  classifyRegistration,
  holdsWhileJlisPending,
  CURRENT_POLICY,
  type MemberRegistration,
  type PersonFacts,
  SEED_POLICY,
} from './mis-entry.js';
import { myNumberFromBody } from './my-number.js';

// The seed's numbers (1111…) are illustrative; these are valid 12-digit numbers built from them.
const N1111 = myNumberFromBody('11111111111');
const N2222 = myNumberFromBody('22222222222');
const N3333 = myNumberFromBody('33333333333');
const N4444 = myNumberFromBody('44444444444');

function person(
  myNumber: string,
  birthDate: string,
  kanaName: string,
  insurerNumber: string,
  more: Partial<PersonFacts> = {},
): MemberRegistration {
  return {
    myNumber,
    insurerNumber,
    name: '四角 花子',
    kanaName,
    birthDate,
    sex: '2',
    address: '東京都千代田区霞が関1-2-2',
    ...more,
  };
}
const A = '01130012'; // insurer A registers now
const B = '06130014'; // insurer B registered earlier

describe('classifyRegistration: the seed cases (2021-07-15, seed policy)', () => {
  const asOf = '2021-07-15';

  it('1111 / H1.9.13 / シカク ハナコ at B, then at A (job change) → consistent', () => {
    const stored = person(N1111, '1989-09-13', 'シカク ハナコ', B);
    const outcome = classifyRegistration(
      person(N1111, '1989-09-13', 'ｼｶｸ ﾊﾅｺ', A),
      [stored],
      undefined,
      asOf,
    );
    expect(outcome).toMatchObject({
      code: 'CONSISTENT',
      rule: 'KANA_NAME',
      suspected: false,
      notifyInsurer: false,
      blocksViewing: false,
      notInForce: [],
    });
  });

  it('2222: B had S62.9.13, A sends H3.7.4 → birth-date suspicion, insurer notified', () => {
    const outcome = classifyRegistration(
      person(N2222, '1991-07-04', 'シカク イチロウ', A),
      [person(N2222, '1987-09-13', 'シカク イチロウ', B)],
      undefined,
      asOf,
    );
    expect(outcome).toEqual({
      code: 'BIRTH_DATE_MISMATCH',
      rule: 'BIRTH_DATE',
      effectiveFrom: '2021-03-31',
      suspected: true,
      notifyInsurer: true,
      blocksViewing: false,
      mismatchedFacts: ['birthDate'],
      conflictingRecord: 0,
      notInForce: [],
    });
  });

  it('3333 / R3.03.01 with no history → J-LIS query, then the result is notified', () => {
    const newborn = person(N3333, '2021-03-01', 'シカク サクラ', A);
    expect(classifyRegistration(newborn, [], undefined, asOf)).toMatchObject({
      code: 'NEEDS_JLIS',
      rule: 'JLIS_NO_HISTORY',
      effectiveFrom: '2021-06-30',
      notifyInsurer: false,
    });
    const facts: PersonFacts = { ...newborn };
    expect(classifyRegistration(newborn, [], facts, asOf)).toMatchObject({
      code: 'JLIS_VERIFIED',
      suspected: false,
      notifyInsurer: true,
    });
    expect(
      classifyRegistration(newborn, [], { ...facts, birthDate: '2021-03-02' }, asOf),
    ).toMatchObject({
      code: 'JLIS_MISMATCH',
      suspected: true,
      notifyInsurer: true,
      mismatchedFacts: ['birthDate'],
    });
    expect(classifyRegistration(newborn, [], null, asOf)).toMatchObject({
      code: 'JLIS_NOT_FOUND',
      suspected: true,
      notifyInsurer: true,
    });
  });

  it('4444 / H16.8.4: B had シカク タロウ, A sends シカク ジロウ → kana suspicion (twins)', () => {
    const outcome = classifyRegistration(
      person(N4444, '2004-08-04', 'シカク ジロウ', A),
      [person(N4444, '2004-08-04', 'シカク タロウ', B)],
      undefined,
      asOf,
    );
    expect(outcome).toMatchObject({
      code: 'KANA_NAME_MISMATCH',
      rule: 'KANA_NAME',
      effectiveFrom: '2021-06-30',
      suspected: true,
      notifyInsurer: true,
      mismatchedFacts: ['kanaName'],
      conflictingRecord: 0,
    });
  });
});

describe('classifyRegistration: effective dates', () => {
  const stored2222 = person(N2222, '1987-09-13', 'シカク イチロウ', B);
  const new2222 = person(N2222, '1991-07-04', 'シカク イチロウ', A);
  const stored4444 = person(N4444, '2004-08-04', 'シカク タロウ', B);
  const new4444 = person(N4444, '2004-08-04', 'シカク ジロウ', A);
  const new3333 = person(N3333, '2021-03-01', 'シカク サクラ', A);

  it.each([
    ['2021-03-30', 'NOT_CHECKED', null, ['BIRTH_DATE']],
    ['2021-03-31', 'BIRTH_DATE_MISMATCH', 'BIRTH_DATE', []],
  ])('birth date check on %s → %s', (asOf, code, rule, notInForce) => {
    expect(classifyRegistration(new2222, [stored2222], undefined, asOf)).toMatchObject({
      code,
      rule,
      notInForce,
    });
  });

  it.each([
    ['2021-03-30', 'NOT_CHECKED', null, ['KANA_NAME']],
    ['2021-06-29', 'CONSISTENT', 'BIRTH_DATE', ['KANA_NAME']],
    ['2021-06-30', 'KANA_NAME_MISMATCH', 'KANA_NAME', []],
  ])('kana check on %s → %s', (asOf, code, rule, notInForce) => {
    expect(classifyRegistration(new4444, [stored4444], undefined, asOf)).toMatchObject({
      code,
      rule,
      notInForce,
    });
  });

  it.each([
    ['2021-03-30', 'NOT_CHECKED'],
    ['2021-06-29', 'NOT_CHECKED'],
    ['2021-06-30', 'NEEDS_JLIS'],
  ])('no-history J-LIS check on %s → %s', (asOf, code) => {
    const outcome = classifyRegistration(new3333, [], undefined, asOf);
    expect(outcome.code).toBe(code);
    expect(outcome.notInForce).toEqual(code === 'NOT_CHECKED' ? ['JLIS_NO_HISTORY'] : []);
  });

  it('history records of other My Numbers are ignored', () => {
    const other = person(N1111, '1950-01-01', 'ベツジン', B);
    expect(classifyRegistration(new3333, [other], undefined, '2021-07-01').code).toBe('NEEDS_JLIS');
  });

  it('a birth-date conflict wins over a kana conflict in another record', () => {
    const twin = person(N4444, '2004-08-04', 'シカク サブロウ', B);
    const older = person(N4444, '1960-01-01', 'シカク ジロウ', B);
    expect(classifyRegistration(new4444, [twin, older], undefined, '2021-07-01')).toMatchObject({
      code: 'BIRTH_DATE_MISMATCH',
      conflictingRecord: 1,
    });
  });
});

describe('classifyRegistration: later policy', () => {
  const reg = person(N3333, '2021-03-01', 'シカク サクラ', A, { name: '四角 桜' });
  const jlis: PersonFacts = {
    name: '四角　桜',
    kanaName: 'ｼｶｸ ｻｸﾗ',
    birthDate: '2021-03-01',
    sex: '2',
    address: '東京都千代田区霞が関１－２－２',
  };

  it.each([
    ['2023-04-13', SEED_POLICY, 'JLIS_VERIFIED', 'JLIS_NO_HISTORY', []],
    ['2023-04-13', CURRENT_POLICY, 'JLIS_VERIFIED', 'JLIS_NO_HISTORY', []],
    ['2023-04-14', SEED_POLICY, 'JLIS_VERIFIED', 'JLIS_NO_HISTORY', []],
    ['2023-04-14', CURRENT_POLICY, 'JLIS_MISMATCH', 'JLIS_FIVE_FACTS', ['sex']],
  ] as const)('five-fact match on %s (%o) → %s', (asOf, policy, code, rule, facts) => {
    const outcome = classifyRegistration({ ...reg, sex: '1' }, [], jlis, asOf, policy);
    // From 2023-04-14 a J-LIS mismatch holds the registration (not viewable) until it is fixed.
    expect(outcome).toMatchObject({
      code,
      rule,
      mismatchedFacts: facts,
      blocksViewing: code === 'JLIS_MISMATCH',
    });
  });

  it('five facts compare width- and space-insensitively', () => {
    expect(classifyRegistration(reg, [], jlis, '2023-05-01', CURRENT_POLICY)).toMatchObject({
      code: 'JLIS_VERIFIED',
      rule: 'JLIS_FIVE_FACTS',
    });
  });

  it.each([
    ['2023-04-13', CURRENT_POLICY, 'CONSISTENT', null, false],
    // From 2023-04-14 every registration's five facts go to J-LIS, not only numbers with no history.
    ['2023-04-14', CURRENT_POLICY, 'JLIS_MISMATCH', 'JLIS_FIVE_FACTS', true],
    ['2024-04-30', CURRENT_POLICY, 'JLIS_MISMATCH', 'JLIS_FIVE_FACTS', true],
    ['2024-04-30', SEED_POLICY, 'CONSISTENT', null, false],
    ['2024-05-01', CURRENT_POLICY, 'JLIS_MISMATCH', 'JLIS_EVERY_REGISTRATION', true],
  ] as const)(
    'every registration checked against J-LIS on %s (%o) → %s',
    (asOf, policy, code, rule, blocks) => {
      const stored = person(N3333, '2021-03-01', 'シカク サクラ', B);
      const wrongAddress = { ...jlis, address: '大阪府大阪市北区1-1' };
      const outcome = classifyRegistration(reg, [stored], wrongAddress, asOf, policy);
      expect(outcome.code).toBe(code);
      expect(outcome.blocksViewing).toBe(blocks);
      if (code === 'JLIS_MISMATCH') {
        expect(outcome.rule).toBe(rule);
        expect(outcome.mismatchedFacts).toEqual(['address']);
        expect(outcome.notifyInsurer).toBe(true);
      }
    },
  );

  it('from 2023-04-14 a registration with history waits for J-LIS, held; a birth-date conflict is not held before 2024-05-01', () => {
    const same = person(N3333, '2021-03-01', 'シカク サクラ', B);
    const pending = classifyRegistration(reg, [same], undefined, '2023-05-01', CURRENT_POLICY);
    expect(pending).toMatchObject({ code: 'NEEDS_JLIS', rule: 'JLIS_FIVE_FACTS' });
    expect(holdsWhileJlisPending(pending)).toBe(true);
    const older = person(N3333, '2020-01-01', 'シカク サクラ', B);
    expect(
      classifyRegistration(reg, [older], undefined, '2023-05-01', CURRENT_POLICY),
    ).toMatchObject({ code: 'BIRTH_DATE_MISMATCH', blocksViewing: false });
    expect(
      holdsWhileJlisPending(classifyRegistration(reg, [], undefined, '2021-07-01', CURRENT_POLICY)),
    ).toBe(false);
  });

  it('from 2024-05-01 a history suspicion also blocks viewing, and history needs J-LIS too', () => {
    const stored = person(N3333, '2020-01-01', 'シカク サクラ', B);
    expect(
      classifyRegistration(reg, [stored], undefined, '2024-05-01', CURRENT_POLICY),
    ).toMatchObject({ code: 'BIRTH_DATE_MISMATCH', blocksViewing: true });
    const same = person(N3333, '2021-03-01', 'シカク サクラ', B);
    expect(
      classifyRegistration(reg, [same], undefined, '2024-05-01', CURRENT_POLICY),
    ).toMatchObject({ code: 'NEEDS_JLIS', rule: 'JLIS_EVERY_REGISTRATION', notifyInsurer: false });
    expect(classifyRegistration(reg, [same], jlis, '2024-05-01', CURRENT_POLICY)).toMatchObject({
      code: 'JLIS_VERIFIED',
      notifyInsurer: false,
      blocksViewing: false,
    });
  });
});

describe('classifyRegistration: periodic re-match of "no history" registrations', () => {
  it('a number verified with no history becomes a suspicion once a conflicting record arrives', () => {
    const n = myNumberFromBody('55555555555');
    const first = person(n, '2021-03-01', 'シカク サクラ', A);
    const jlis: PersonFacts = { ...first };
    expect(classifyRegistration(first, [], jlis, '2021-07-01').code).toBe('JLIS_VERIFIED');
    const later = person(n, '2021-03-01', 'シカク モミジ', B);
    expect(classifyRegistration(first, [later], jlis, '2021-08-01')).toMatchObject({
      code: 'KANA_NAME_MISMATCH',
      notifyInsurer: true,
    });
  });
});

describe('five facts against J-LIS across notation (2023-04-14 / 2024-05 rules)', () => {
  const jlisFacts = {
    name: '志角 優子',
    kanaName: 'シカク ユーコ',
    birthDate: '1990-04-01',
    sex: '2',
    address: '東京都新宿区西新宿六丁目十五番五号',
  };
  const registration = {
    ...jlisFacts,
    myNumber: '123456789018',
    insurerNumber: '01130012',
    kanaName: 'ｼｶｸ･ﾕｰｺ',
    address: '東京都新宿区西新宿６－１５－５',
  };
  it('verifies what differs only in notation', async () => {
    const { classifyRegistration, CURRENT_POLICY } = await import('./mis-entry.js');
    expect(
      classifyRegistration(registration, [], jlisFacts, '2024-06-01', CURRENT_POLICY),
    ).toMatchObject({
      code: 'JLIS_VERIFIED',
      rule: 'JLIS_EVERY_REGISTRATION',
    });
    expect(
      classifyRegistration(registration, [], jlisFacts, '2023-05-01', CURRENT_POLICY),
    ).toMatchObject({
      code: 'JLIS_VERIFIED',
      rule: 'JLIS_FIVE_FACTS',
    });
  });
  it('names the fact that differs, and blocks viewing from 2024-05', async () => {
    const { classifyRegistration, CURRENT_POLICY } = await import('./mis-entry.js');
    const moved = { ...registration, address: '東京都新宿区西新宿6-15-6' };
    expect(classifyRegistration(moved, [], jlisFacts, '2024-06-01', CURRENT_POLICY)).toMatchObject({
      code: 'JLIS_MISMATCH',
      mismatchedFacts: ['address'],
      blocksViewing: true,
    });
    // Before 2023-04-14 only 生年月日 and カナ氏名 are compared.
    expect(classifyRegistration(moved, [], jlisFacts, '2023-04-13', CURRENT_POLICY).code).toBe(
      'JLIS_VERIFIED',
    );
  });
});
