// One qualification.upserted outbox event for repository tests, with what a test cares about
// overridden.
import type { QualificationEvent } from '@shikaku/core/qualification-event';

const at = new Date('2021-07-15T01:00:00Z');

export function qualificationUpserted(
  sequence: number,
  overrides: { name?: string; qualificationId?: string; personRef?: string } = {},
): QualificationEvent {
  return {
    sequence,
    eventId: `e${sequence}`,
    type: 'qualification.upserted',
    occurredAt: at.toISOString(),
    personRef: overrides.personRef ?? 'p1',
    qualification: {
      qualificationId: overrides.qualificationId ?? 'q1',
      insurerNumber: '01130012',
      insurerName: '全国健康保険協会',
      insuredCardClassification: '1',
      insuredCardSymbol: '1234',
      insuredIdentificationNumber: '5678',
      insuredBranchNumber: '00',
      personalFamilyClassification: '1',
      name: overrides.name ?? '資格 花子',
      nameKana: 'シカク ハナコ',
      sex: '2',
      birthDate: '1989-09-13',
      address: '東京都',
      postNumber: '1000001',
      qualificationDate: '2020-04-01',
      disqualificationDate: null,
      reasonOfLoss: null,
      incomeClass: 'general',
      cardIssuedOn: '2020-04-03',
      cardValidFrom: '2020-04-01',
      cardValidTo: null,
    },
  };
}
