// The members the golden answers of test/conformance (OQS) and test/fhir (FHIR) are about: one
// per validity and the age brackets whose answers differ (70–74, 後期高齢者).
import type { QualificationSnapshot } from '@shikaku/core/qualification-event';
import { snapshot } from '../src/testing/fixture.js';

const tokyo = (o: Partial<QualificationSnapshot>) =>
  snapshot({
    insurerNumber: '01130012',
    insurerName: '全国健康保険協会 東京支部',
    insuredCardClassification: '01',
    insuredCardSymbol: '2468',
    insuredBranchNumber: '00',
    address: '東京都千代田区千代田1-1',
    postNumber: '1000001',
    cardIssuedOn: null,
    cardValidFrom: null,
    cardValidTo: null,
    ...o,
  });

/** The members the golden answers are about (the OQS conformance suite and the FHIR goldens). */
export const GOLDEN_MEMBERS: Array<{ personRef: string; qualification: QualificationSnapshot }> = [
  {
    personRef: 'c-hanako',
    qualification: tokyo({
      qualificationId: 'c-valid',
      insuredIdentificationNumber: '1357',
      name: '資格　花子',
      nameKana: 'シカク ハナコ',
      cardIssuedOn: '2020-04-03',
      cardValidFrom: '2020-04-01',
    }),
  },
  {
    personRef: 'c-jiro',
    qualification: tokyo({
      qualificationId: 'c-lost',
      insuredIdentificationNumber: '2000',
      name: '資格　次郎',
      nameKana: 'シカク ジロウ',
      sex: '1',
      birthDate: '1990-01-02',
      qualificationDate: '2019-04-01',
      disqualificationDate: '2021-04-01',
      reasonOfLoss: '03',
      cardIssuedOn: '2019-04-05',
      cardValidFrom: '2019-04-01',
    }),
  },
  {
    personRef: 'c-taro',
    qualification: tokyo({
      qualificationId: 'c-taro-old',
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
    personRef: 'c-taro',
    qualification: tokyo({
      qualificationId: 'c-taro-new',
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
    personRef: `c-twin-${branch}`,
    qualification: tokyo({
      qualificationId: `c-twin-${branch}`,
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
    personRef: 'c-sachiko',
    qualification: tokyo({
      qualificationId: 'c-elder',
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
    personRef: 'c-matsu',
    qualification: tokyo({
      qualificationId: 'c-kouki',
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
