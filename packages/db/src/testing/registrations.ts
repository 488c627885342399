import type { RegistrationWrite } from '../intermediate/registrations.js';

/**
 * A registration to write in repository tests: 資格 花子 of insurer 01130012, card 12-345-00, new
 * (no history, J-LIS queued), line 2 of file h1. Tests override what they are about.
 */
export function registrationWrite(overrides: Partial<RegistrationWrite> = {}): RegistrationWrite {
  return {
    qualificationId: 'q-1',
    insurerNumber: '01130012',
    cardSymbol: '12',
    cardNumber: '345',
    branchNumber: '00',
    cardClassification: '01',
    personalFamily: '1',
    myNumber: '123456789018',
    personRef: 'P-hanako',
    name: '資格 花子',
    nameKana: 'シカク ハナコ',
    birthDate: '1989-09-13',
    sex: '2',
    address: '東京都千代田区',
    postNumber: '1000013',
    qualificationDate: '2021-04-01',
    disqualificationDate: null,
    reasonOfLoss: null,
    incomeClass: 'general',
    cardIssuedOn: '2021-04-05',
    cardValidFrom: '2021-04-01',
    cardValidTo: null,
    registeredOn: '2021-07-15',
    checkStatus: 'jlis-pending',
    noHistory: true,
    blocked: false,
    sourceHash: 'h1',
    sourceLine: 2,
    notification: null,
    jlisCheck: 'no-history',
    ...overrides,
  };
}
