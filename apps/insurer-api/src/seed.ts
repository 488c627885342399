import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '@shikaku/db/database';
import { upsertInsurers } from '@shikaku/db/intermediate/insurers';
import {
  countRegistrations,
  type RegistrationWrite,
  seedRegistrations,
} from '@shikaku/db/intermediate/registrations';
import { INSURERS } from '@shikaku/synth/insurers';
import type { SyntheticPerson } from '@shikaku/synth/population';
import { hashKey } from './auth.js';
import { personRefOf } from './person-ref.js';

/** Seeded members count as registered before the 2021 checks began (data carried over). */
export const SEED_REGISTERED_ON = '2021-03-01';

const INCOME: Record<SyntheticPerson['incomeClass'], RegistrationWrite['incomeClass']> = {
  general: 'general',
  low: 'general',
  'above-certain': 'certain-income',
  'active-equivalent': 'active-equivalent',
};

/** A synthetic person as a stored registration of their insurer (no check ran on it). */
export function registrationOfPerson(
  person: SyntheticPerson,
  personRefSecret: string,
  qualificationId: string,
): RegistrationWrite {
  return {
    qualificationId,
    insurerNumber: person.insurerNumber,
    cardSymbol: person.insuredCardSymbol,
    cardNumber: person.insuredIdentificationNumber,
    branchNumber: person.insuredBranchNumber,
    cardClassification: '01',
    personalFamily: person.personalFamilyClassification,
    myNumber: person.myNumber,
    personRef: personRefOf(personRefSecret, person.myNumber),
    name: person.name,
    nameKana: person.nameKana,
    birthDate: person.birthDate,
    sex: String(person.sex) as RegistrationWrite['sex'],
    address: person.address,
    postNumber: person.postNumber,
    qualificationDate: person.qualificationDate,
    disqualificationDate: null,
    reasonOfLoss: null,
    incomeClass: INCOME[person.incomeClass],
    cardIssuedOn: person.cardIssuedOn,
    cardValidFrom: person.cardValidFrom,
    cardValidTo: person.cardValidTo,
    registeredOn: SEED_REGISTERED_ON,
    checkStatus: 'unchecked',
    noHistory: false,
    blocked: false,
    sourceHash: null,
    sourceLine: null,
    notification: null,
    jlisCheck: null,
  };
}

export interface SeededMembers {
  members: number;
  seeded: boolean;
}

/**
 * Seeds the members of an empty intermediate server in one transaction (registrations COPYed,
 * their outbox events in one batch, the indexes built after), as one registration file of every
 * member would be saved.
 */
export async function seedMembers(
  handle: DatabaseHandle,
  persons: Iterable<SyntheticPerson>,
  options: { personRefSecret: string; at: Date },
): Promise<SeededMembers> {
  const existing = await countRegistrations(handle);
  if (existing > 0) return { members: existing, seeded: false };
  const rows: RegistrationWrite[] = [];
  for (const person of persons)
    rows.push(registrationOfPerson(person, options.personRefSecret, `S${person.index}`));
  const saved = await seedRegistrations(handle, rows, options.at);
  // Another writer stored registrations meanwhile: they are the members.
  if (!saved) return { members: await countRegistrations(handle), seeded: false };
  return { members: saved.changed, seeded: true };
}

export interface InsurerCredential {
  insurerNumber: string;
  name: string;
  key: string;
}

/**
 * Gives every synthetic insurer a fresh key (only its hash is stored) and returns the keys: the
 * stack prints some and writes all to a file (a restart reuses the keys its database still holds).
 */
export async function issueInsurerCredentials(
  handle: DatabaseHandle,
  insurerNumbers: Iterable<string>,
  at: Date,
): Promise<InsurerCredential[]> {
  const names = new Map(INSURERS.map((i) => [i.insurerNumber, i.name]));
  const credentials: InsurerCredential[] = [...new Set(insurerNumbers)].map((insurerNumber) => ({
    insurerNumber,
    name: names.get(insurerNumber) ?? `保険者 ${insurerNumber}`,
    key: `ik_${randomBytes(18).toString('base64url')}`,
  }));
  await upsertInsurers(
    handle,
    credentials.map((c) => ({ ...c, keyHash: hashKey(c.key), webhookUrl: null })),
    at,
  );
  return credentials;
}
