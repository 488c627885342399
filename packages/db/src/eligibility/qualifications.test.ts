import type { QualificationEvent } from '@shikaku/core/qualification-event';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  applyQualificationEvents,
  findQualificationsWithRelatedByCard,
  findQualificationsWithRelatedByCards,
} from './qualifications.js';

const at = new Date('2021-07-15T01:00:00Z');

function event(
  sequence: number,
  personRef: string,
  qualificationId: string,
  card: { insurer: string; number: string; from: string; to: string | null },
): QualificationEvent {
  return {
    sequence,
    eventId: `e${sequence}`,
    type: 'qualification.upserted',
    occurredAt: at.toISOString(),
    personRef,
    qualification: {
      qualificationId,
      insurerNumber: card.insurer,
      insurerName: '保険者',
      insuredCardClassification: '1',
      insuredCardSymbol: '1234',
      insuredIdentificationNumber: card.number,
      insuredBranchNumber: '00',
      personalFamilyClassification: '1',
      name: '資格 花子',
      nameKana: 'シカク ハナコ',
      sex: '2',
      birthDate: '1989-09-13',
      address: '東京都',
      postNumber: '1000001',
      qualificationDate: card.from,
      disqualificationDate: card.to,
      reasonOfLoss: card.to ? '1' : null,
      incomeClass: 'general',
      cardIssuedOn: card.from,
      cardValidFrom: card.from,
      cardValidTo: card.to,
    },
  };
}

const search = (insurerNumber: string, number: string, birthDate = '1989-09-13') => ({
  insurerNumber,
  insuredIdentificationNumber: number,
  birthDate,
});

describeEachDatabase('card searches', ({ handle }) => {
  it('answers each search of a batch in order, with the related rows only for a lost card', async () => {
    await applyQualificationEvents(
      handle(),
      [
        // p1 left insurer A on 2021-04-01 and joined B the same day.
        event(1, 'p1', 'a1', {
          insurer: '01130012',
          number: '100',
          from: '2015-04-01',
          to: '2021-04-01',
        }),
        event(2, 'p1', 'b1', { insurer: '06130017', number: '200', from: '2021-04-01', to: null }),
        // p2 is current at A.
        event(3, 'p2', 'a2', { insurer: '01130012', number: '300', from: '2018-04-01', to: null }),
      ],
      at,
    );
    const answers = await findQualificationsWithRelatedByCards(handle(), [
      search('01130012', '300'),
      search('01130012', '100'),
      search('01130012', '999'),
    ]);
    expect(answers.map((a) => a.matched.map((q) => q.qualificationId))).toEqual([
      ['a2'],
      ['a1'],
      [],
    ]);
    expect(answers.map((a) => a.related.map((q) => q.qualificationId).sort())).toEqual([
      [],
      ['a1', 'b1'],
      [],
    ]);
  });

  it('coalesces concurrent searches, and one refused date fails only its own search', async () => {
    // Four statements go out at once; the other searches wait and travel together, the refused
    // date among them.
    const numbers = ['300', '100', '300', '999', '300', '100', '300', 'bad', '999', '300', '100'];
    const results = await Promise.allSettled(
      numbers.map((n) =>
        findQualificationsWithRelatedByCard(
          handle(),
          n === 'bad' ? search('01130012', '300', '2021-02-30') : search('01130012', n),
        ),
      ),
    );
    const expected = { '300': ['a2'], '100': ['a1'], '999': [], bad: null };
    expect(
      results.map((r) =>
        r.status === 'fulfilled' ? r.value.matched.map((q) => q.qualificationId) : null,
      ),
    ).toEqual(numbers.map((n) => expected[n as keyof typeof expected]));
  });
});
