import { generateEligibilityFixtures } from '@shikaku/synth/fixtures';
import { assertNoMyNumber, type LoadFixtures } from './fixtures.js';
import type { Send } from './eligibility-client.js';

/**
 * Load-test fixtures from the synthetic population the stack seeded (same seed, size and as-of
 * date, so the insured people exist there), plus institution credentials provisioned the way the
 * portal does on a usage approval (`/v1/internal/institutions…` with the service key).
 */
export interface SynthFixtureOptions {
  seed: number;
  members: number;
  asOf: string;
  /** At most this many insured people and cards go into the fixtures. */
  maxInsured?: number;
  maxCards?: number;
}

export type InstitutionToProvision = {
  institutionCode: string;
  facilityType: string;
  name: string;
};

export function synthLoadFixtures(options: SynthFixtureOptions): {
  fixtures: Omit<LoadFixtures, 'institutions'>;
  institutions: InstitutionToProvision[];
} {
  const synth = generateEligibilityFixtures({
    seed: options.seed,
    size: options.members,
    asOf: options.asOf,
  });
  const iso = (compact: string) =>
    `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const insured = synth.members.slice(0, options.maxInsured ?? 5000).map((m) => ({
    insurerNumber: m.insurerNumber,
    ...(m.insuredCardSymbol ? { insuredCardSymbol: m.insuredCardSymbol } : {}),
    insuredIdentificationNumber: m.insuredIdentificationNumber,
    insuredBranchNumber: m.insuredBranchNumber,
    birthDate: iso(m.birthDate),
  }));
  const cards = synth.members
    .filter((m) => m.certificateSerial !== null && m.certificateStatus === 'valid')
    .slice(0, options.maxCards ?? 200)
    .map((m) => ({ certificateSerial: m.certificateSerial! }));
  const fixtures = { seed: options.seed, confirmationDate: options.asOf, insured, cards };
  assertNoMyNumber(fixtures, 'synthetic fixtures');
  return {
    fixtures,
    institutions: synth.institutions.map((i) => ({
      institutionCode: i.institutionCode,
      facilityType: i.facilityType,
      name: `load-test ${i.facilityType} ${i.institutionCode}`,
    })),
  };
}

/**
 * Registers institutions with eligibility-api and makes one credential each (as the portal does
 * when it approves a usage application). An institution that already exists (409) is reused.
 */
export async function provisionCredentials(
  send: Send,
  serviceKey: string,
  institutions: InstitutionToProvision[],
): Promise<LoadFixtures['institutions']> {
  const headers = { 'content-type': 'application/json', 'x-service-key': serviceKey };
  const out: LoadFixtures['institutions'] = [];
  for (const institution of institutions) {
    const created = await send({
      method: 'POST',
      path: '/v1/internal/institutions',
      headers,
      body: JSON.stringify(institution),
    });
    if (created.status >= 300 && created.status !== 409) {
      throw new Error(
        `could not register institution ${institution.institutionCode}: HTTP ${created.status} ${created.body.slice(0, 200)}`,
      );
    }
    const credential = await send({
      method: 'POST',
      path: `/v1/internal/institutions/${institution.institutionCode}/credentials`,
      headers,
      body: '{}',
    });
    const parsed = JSON.parse(credential.body) as { clientId?: string; clientSecret?: string };
    if (credential.status >= 300 || !parsed.clientId || !parsed.clientSecret) {
      throw new Error(
        `could not make a credential for ${institution.institutionCode}: HTTP ${credential.status}`,
      );
    }
    out.push({
      institutionCode: institution.institutionCode,
      clientId: parsed.clientId,
      clientSecret: parsed.clientSecret,
    });
  }
  return out;
}
