import { compactFromDays, daysFromIso } from './days.js';
import { generateInstitutions, type SyntheticInstitution } from './institutions.js';
import { generatePopulation, type PopulationOptions, type SyntheticPerson } from './population.js';

/**
 * What a load test sends to the eligibility API: insurance-card numbers, birth dates, certificate
 * serials and institution codes. Never a My Number: the fixture is built field by field from the
 * person, so nothing else can slip in.
 */
export interface EligibilityFixture {
  insurerNumber: string;
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  /** YYYYMMDD, as in the OQS messages. */
  birthDate: string;
  /** Present for persons whose card is linked for insurance use (any certificate status). */
  certificateSerial: string | null;
  certificateStatus: 'valid' | 'expired' | 'revoked' | null;
}

export interface EligibilityFixtures {
  seed: number;
  asOf: string;
  members: EligibilityFixture[];
  institutions: Pick<SyntheticInstitution, 'institutionCode' | 'facilityType' | 'prefecture'>[];
}

export function eligibilityFixtureOf(person: SyntheticPerson): EligibilityFixture {
  const linked = person.card !== null && person.card.linkedForInsurance;
  return {
    insurerNumber: person.insurerNumber,
    insuredCardSymbol: person.insuredCardSymbol,
    insuredIdentificationNumber: person.insuredIdentificationNumber,
    insuredBranchNumber: person.insuredBranchNumber,
    birthDate: compactFromDays(daysFromIso(person.birthDate)),
    certificateSerial: linked ? person.card!.certificateSerial : null,
    certificateStatus: linked ? person.card!.status : null,
  };
}

/** Fixtures for every person of the population and institutions at `institutionScale`. */
export function generateEligibilityFixtures(
  options: PopulationOptions & { institutionScale?: number },
): EligibilityFixtures {
  const members: EligibilityFixture[] = [];
  for (const person of generatePopulation(options)) members.push(eligibilityFixtureOf(person));
  const institutions = generateInstitutions({
    seed: options.seed,
    scale: options.institutionScale ?? Math.min(1, Math.max(options.size / 125_000_000, 1e-4)),
  }).map(({ institutionCode, facilityType, prefecture }) => ({
    institutionCode,
    facilityType,
    prefecture,
  }));
  return { seed: options.seed, asOf: options.asOf, members, institutions };
}
