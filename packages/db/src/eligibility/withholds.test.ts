import type {
  QualificationEvent,
  QualificationWithheldEvent,
} from '@shikaku/core/qualification-event';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  findQualificationsByCard,
  findQualificationsByPerson,
  readOutboxCursor,
} from './qualifications.js';
import { applyOutboxEventsPage, isQualificationWithheld } from './withholds.js';

const at = new Date('2024-06-01T01:00:00Z');
const card = {
  insurerNumber: '01130012',
  insuredIdentificationNumber: '5678',
  birthDate: '1989-09-13',
};

function upserted(sequence: number, qualificationId = 'q1'): QualificationEvent {
  return {
    sequence,
    eventId: `e${sequence}`,
    type: 'qualification.upserted',
    occurredAt: at.toISOString(),
    personRef: 'p1',
    qualification: {
      qualificationId,
      insurerNumber: card.insurerNumber,
      insurerName: '全国健康保険協会',
      insuredCardClassification: '01',
      insuredCardSymbol: '1234',
      insuredIdentificationNumber: card.insuredIdentificationNumber,
      insuredBranchNumber: '00',
      personalFamilyClassification: '1',
      name: `試験 ${sequence}`,
      nameKana: 'シケン ハナコ',
      sex: '2',
      birthDate: card.birthDate,
      address: '東京都',
      postNumber: '100-0001',
      qualificationDate: '2020-04-01',
      disqualificationDate: null,
      reasonOfLoss: null,
      incomeClass: 'general',
      cardIssuedOn: null,
      cardValidFrom: '2020-04-01',
      cardValidTo: null,
    },
  };
}

function withheld(sequence: number, qualificationId = 'q1'): QualificationWithheldEvent {
  return {
    sequence,
    eventId: `e${sequence}`,
    type: 'qualification.withheld',
    occurredAt: at.toISOString(),
    personRef: 'p1',
    qualificationId,
  };
}

describeEachDatabase('withheld qualifications', ({ handle }) => {
  it('stops serving a withheld qualification at once and serves it again on a newer upsert', async () => {
    const c = 'withholds-test';
    await applyOutboxEventsPage(handle(), c, [upserted(1)], 1, at);
    expect(await findQualificationsByCard(handle(), card)).toHaveLength(1);

    await applyOutboxEventsPage(handle(), c, [withheld(2)], 2, at);
    expect(await findQualificationsByCard(handle(), card)).toEqual([]);
    expect(await findQualificationsByPerson(handle(), 'p1')).toEqual([]);
    expect(await isQualificationWithheld(handle(), 'q1')).toBe(true);

    // A replayed older page (the upsert before the withhold) does not serve it again.
    await applyOutboxEventsPage(handle(), c, [upserted(1), withheld(2)], 2, at);
    await applyOutboxEventsPage(handle(), c, [upserted(1)], 2, at);
    expect(await findQualificationsByCard(handle(), card)).toEqual([]);

    // The release (a newer upsert) serves it again; in one page the newest event decides.
    await applyOutboxEventsPage(handle(), c, [withheld(3), upserted(4)], 4, at);
    const served = await findQualificationsByCard(handle(), card);
    expect(served.map((q) => q.name)).toEqual(['試験 4']);
    expect(await isQualificationWithheld(handle(), 'q1')).toBe(false);
    expect(await readOutboxCursor(handle(), c)).toBe(4);

    // Withheld again then released within one page: served with the release's snapshot.
    await applyOutboxEventsPage(handle(), c, [upserted(6), withheld(5)], 6, at);
    expect((await findQualificationsByCard(handle(), card)).map((q) => q.name)).toEqual(['試験 6']);
    // A withhold of a qualification never served is remembered and harms nothing.
    await applyOutboxEventsPage(handle(), c, [withheld(7, 'q-never')], 7, at);
    expect(await isQualificationWithheld(handle(), 'q-never')).toBe(true);
    expect(await findQualificationsByCard(handle(), card)).toHaveLength(1);
  });
});
