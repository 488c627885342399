import { describe, expect, it } from 'vitest';
import {
  classifyRegistration,
  CURRENT_POLICY,
  SEED_POLICY,
  type MemberRegistration,
} from '@shikaku/core/mis-entry';
import { classifyBatch, type RegistrationFacts } from './batch.js';
import { seededRandom } from '@shikaku/core/seeded-random';

// Few distinct values, so numbers collide, birth dates agree and differ, and kana names come in
// width / spacing variants of one name as well as different names.
const NUMBERS = ['123456789018', '000000000000', '987654321000', '111111111118', '0123', '123'];
const BIRTHS = ['1987-09-13', '1991-07-04', '2004-08-04'];
const KANAS = [
  'シカク\u3000タロウ',
  'ｼｶｸ ﾀﾛｳ',
  'しかく たろう',
  'シカク\u3000ジロウ',
  'シカクジロウ',
  'シカク　ハナコ',
];
const DATES = [
  '2021-03-30',
  '2021-03-31',
  '2021-06-29',
  '2021-06-30',
  '2023-04-14',
  '2024-04-30',
  '2024-05-01',
];

function facts(next: () => number): RegistrationFacts {
  const pick = <T>(a: readonly T[]) => a[Math.floor(next() * a.length)]!;
  return { myNumber: pick(NUMBERS), birthDate: pick(BIRTHS), kanaName: pick(KANAS) };
}

function asMember(f: RegistrationFacts): MemberRegistration {
  return { ...f, name: '四角 太郎', sex: '1', address: '東京都', insurerNumber: '01130012' };
}

describe('classifyBatch', () => {
  it('equals core classifyRegistration on 400 random seeded batches (both policies, every rule date)', () => {
    const next = seededRandom(20210630);
    let compared = 0;
    const seen = new Set<string>();
    for (let batch = 0; batch < 400; batch++) {
      const history = Array.from({ length: Math.floor(next() * 12) }, () => facts(next));
      const incoming = Array.from({ length: 1 + Math.floor(next() * 8) }, () => facts(next));
      const asOf = DATES[Math.floor(next() * DATES.length)]!;
      const policy = next() < 0.5 ? SEED_POLICY : CURRENT_POLICY;
      const got = classifyBatch(history, incoming, asOf, policy);
      incoming.forEach((reg, i) => {
        const want = classifyRegistration(
          asMember(reg),
          history.map(asMember),
          undefined,
          asOf,
          policy,
        );
        expect(got[i]).toEqual({ code: want.code, conflictingRecord: want.conflictingRecord });
        seen.add(want.code);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(1000);
    // The random cases reach every outcome the engine can give.
    expect([...seen].sort()).toEqual(
      [
        'BIRTH_DATE_MISMATCH',
        'CONSISTENT',
        'KANA_NAME_MISMATCH',
        'NEEDS_JLIS',
        'NOT_CHECKED',
      ].sort(),
    );
  });

  it('reproduces the seed examples (job change, birth date, no history, twins)', () => {
    const history: RegistrationFacts[] = [
      { myNumber: '111111111118', birthDate: '1989-09-13', kanaName: 'シカク ハナコ' },
      { myNumber: '222222222226', birthDate: '1987-09-13', kanaName: 'シカク イチロウ' },
      { myNumber: '444444444442', birthDate: '2004-08-04', kanaName: 'シカク タロウ' },
    ];
    const incoming: RegistrationFacts[] = [
      { myNumber: '111111111118', birthDate: '1989-09-13', kanaName: 'ｼｶｸ ﾊﾅｺ' },
      { myNumber: '222222222226', birthDate: '1991-07-04', kanaName: 'シカク イチロウ' },
      { myNumber: '333333333334', birthDate: '2021-03-01', kanaName: 'シカク サブロウ' },
      { myNumber: '444444444442', birthDate: '2004-08-04', kanaName: 'シカク ジロウ' },
    ];
    expect(classifyBatch(history, incoming, '2021-07-15')).toEqual([
      { code: 'CONSISTENT', conflictingRecord: null },
      { code: 'BIRTH_DATE_MISMATCH', conflictingRecord: 1 },
      { code: 'NEEDS_JLIS', conflictingRecord: null },
      { code: 'KANA_NAME_MISMATCH', conflictingRecord: 2 },
    ]);
  });
});
