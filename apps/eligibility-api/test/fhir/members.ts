// The members the FHIR golden answers are about (the same kinds of cases as the OQS conformance
// suite: valid, lost, lost with a newer qualification, twins on one card, 70–74, 後期高齢者).
import type { QualificationSnapshot } from '@shikaku/core/qualification-event';
import { snapshot } from '../../src/testing/fixture.js';

const tokyo = (o: Partial<QualificationSnapshot>) =>
  snapshot({
    insurerNumber: '01130012',
    insurerName: '全国健康保険協会 東京支部',
    insuredCardSymbol: '2468',
    insuredBranchNumber: '00',
    cardIssuedOn: null,
    cardValidFrom: null,
    cardValidTo: null,
    ...o,
  });

export const FHIR_MEMBERS: Array<{ personRef: string; qualification: QualificationSnapshot }> = [
  {
    personRef: 'f-hanako',
    qualification: tokyo({
      qualificationId: 'f-valid',
      insuredIdentificationNumber: '1357',
      name: '資格　花子',
      nameKana: 'シカク ハナコ',
      cardIssuedOn: '2020-04-03',
      cardValidFrom: '2020-04-01',
    }),
  },
  {
    personRef: 'f-jiro',
    qualification: tokyo({
      qualificationId: 'f-lost',
      insuredIdentificationNumber: '2000',
      name: '資格　次郎',
      nameKana: 'シカク ジロウ',
      sex: '1',
      birthDate: '1990-01-02',
      qualificationDate: '2019-04-01',
      disqualificationDate: '2021-04-01',
      reasonOfLoss: '03',
    }),
  },
  {
    personRef: 'f-taro',
    qualification: tokyo({
      qualificationId: 'f-taro-old',
      insuredIdentificationNumber: '3000',
      name: '資格　太郎',
      nameKana: 'シカク タロウ',
      sex: '1',
      birthDate: '1985-05-05',
      qualificationDate: '2015-04-01',
      disqualificationDate: '2021-06-01',
      reasonOfLoss: '03',
    }),
  },
  {
    personRef: 'f-taro',
    qualification: tokyo({
      qualificationId: 'f-taro-new',
      insurerNumber: '138057',
      insurerName: '千代田区',
      insuredCardSymbol: null,
      insuredIdentificationNumber: '9001',
      sex: '1',
      birthDate: '1985-05-05',
      qualificationDate: '2021-06-01',
    }),
  },
  ...(['01', '02'] as const).map((branch, i) => ({
    personRef: `f-twin-${branch}`,
    qualification: tokyo({
      qualificationId: `f-twin-${branch}`,
      insuredIdentificationNumber: '4000',
      insuredBranchNumber: branch,
      personalFamilyClassification: '2' as const,
      name: ['資格　一郎', '資格　二郎'][i]!,
      nameKana: ['シカク イチロウ', 'シカク ジロウ'][i]!,
      sex: '1' as const,
      birthDate: '2015-05-05',
      qualificationDate: '2015-05-05',
    }),
  })),
  {
    personRef: 'f-sachiko',
    qualification: tokyo({
      qualificationId: 'f-elder',
      insurerNumber: '138057',
      insurerName: '千代田区',
      insuredCardSymbol: '千代田',
      insuredIdentificationNumber: '5000',
      name: '資格　幸子',
      nameKana: 'シカク サチコ',
      birthDate: '1950-03-02',
      qualificationDate: '2010-04-01',
      incomeClass: 'active-equivalent',
      cardIssuedOn: '2020-10-01',
      cardValidFrom: '2020-10-01',
      cardValidTo: '2021-09-30',
    }),
  },
  {
    personRef: 'f-matsu',
    qualification: tokyo({
      qualificationId: 'f-kouki',
      insurerNumber: '39130018',
      insurerName: '東京都後期高齢者医療広域連合',
      insuredCardSymbol: null,
      insuredIdentificationNumber: '12345678',
      name: '資格　松',
      nameKana: 'シカク マツ',
      birthDate: '1940-08-08',
      qualificationDate: '2015-08-08',
      cardIssuedOn: '2020-07-20',
      cardValidFrom: '2020-08-01',
      cardValidTo: '2021-07-31',
    }),
  },
];
