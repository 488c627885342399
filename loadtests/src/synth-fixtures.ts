import { generateKeyPairSync, randomBytes } from 'node:crypto';
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
 * Registers institutions with eligibility-api and makes one credential and one practitioner each
 * (as the portal does when it approves a usage application and its admin registers a doctor,
 * dentist or pharmacist). An institution that already exists (409) is reused; the practitioner is
 * new each run (a new key and serial).
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
      practitioner: await provisionPractitioner(send, headers, institution),
    });
  }
  return out;
}

const ROLE_BY_FACILITY: Record<string, string> = { pharmacy: 'pharmacist', dental: 'dentist' };

async function provisionPractitioner(
  send: Send,
  headers: Record<string, string>,
  institution: InstitutionToProvision,
): Promise<NonNullable<LoadFixtures['institutions'][number]['practitioner']>> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificateSerial = `HPKI-LT-${institution.institutionCode}-${randomBytes(4).toString('hex')}`;
  const registered = await send({
    method: 'POST',
    path: `/v1/internal/institutions/${institution.institutionCode}/practitioners`,
    headers,
    body: JSON.stringify({
      name: '負荷試験 医療者',
      role: ROLE_BY_FACILITY[institution.facilityType] ?? 'doctor',
      certificateSerial,
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      // Wide enough for whatever date the target's clock runs as of.
      validFrom: '2000-01-01T00:00:00Z',
      validTo: '2099-12-31T00:00:00Z',
    }),
  });
  if (registered.status !== 201)
    throw new Error(
      `could not register a practitioner for ${institution.institutionCode}: HTTP ${registered.status}`,
    );
  return {
    certificateSerial,
    privateKeyJwk: privateKey.export({ format: 'jwk' }) as Record<string, string>,
  };
}
