import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { keepInstitutionEntry, readKeptEntries } from './kept-files.js';

/** The stack's sample practitioners and their private keys (docs/practitioners.md). */
export const PRACTITIONER_KEYS_FILE = 'practitioners.json';

/** One entry of the keys file: what `shikaku practitioner sign` needs to sign a request. */
export interface SamplePractitioner {
  institutionCode: string;
  practitionerId: string;
  name: string;
  role: string;
  certificateSerial: string;
  /** PKCS#8 PEM: the emulated HPKI card's private key (synthetic, this run's). */
  privateKeyPem: string;
}

/** The role of an institution's sample practitioner: its facility type's own profession. */
const ROLE_BY_FACILITY: Record<string, string> = {
  pharmacy: 'pharmacist',
  dental: 'dentist',
  'dental-clinic': 'dentist',
};
const NAME_BY_ROLE: Record<string, string> = {
  doctor: '見本 医師',
  dentist: '見本 歯科医師',
  pharmacist: '見本 薬剤師',
};

/**
 * Registers one sample practitioner at an institution through eligibility-api's internal API (as
 * the portal does for an institution's admin), with a new P-256 key pair, and adds the private key
 * to the stack's keys file (owner-readable only). A restart on the same data dir keeps the keys
 * file's practitioner while eligibility-api still lists it live (one practitioner however many
 * restarts); an in-memory or reset database gets a new one.
 */
export async function registerSamplePractitioner(options: {
  eligibilityUrl: string;
  serviceKey: string;
  dataDir: string;
  institutionCode: string;
  facilityType: string;
  now: Date;
}): Promise<SamplePractitioner> {
  const file = join(options.dataDir, PRACTITIONER_KEYS_FILE);
  const kept = (await readKeys(file)).find((p) => p.institutionCode === options.institutionCode);
  if (kept && (await stillRegistered(options, kept))) return kept;
  const role = ROLE_BY_FACILITY[options.facilityType] ?? 'doctor';
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = {
    name: NAME_BY_ROLE[role] ?? '見本 医療者',
    role,
    certificateSerial: `HPKI-${options.institutionCode}-${randomBytes(4).toString('hex')}`,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    // A certificate issued a year ago and valid for five years from then, on the stack's clock.
    validFrom: new Date(options.now.getTime() - 365 * 86_400_000).toISOString(),
    validTo: new Date(options.now.getTime() + 4 * 365 * 86_400_000).toISOString(),
  };
  const response = await fetch(
    `${options.eligibilityUrl}/v1/internal/institutions/${options.institutionCode}/practitioners`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-service-key': options.serviceKey },
      body: JSON.stringify(body),
    },
  );
  const answer = (await response.json()) as { practitionerId?: string };
  if (response.status !== 201 || !answer.practitionerId)
    throw new Error(
      `no sample practitioner for ${options.institutionCode} (HTTP ${response.status})`,
    );
  const practitioner: SamplePractitioner = {
    institutionCode: options.institutionCode,
    practitionerId: answer.practitionerId,
    name: body.name,
    role,
    certificateSerial: body.certificateSerial,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  await keepInstitutionEntry(file, practitioner);
  return practitioner;
}

/** Whether eligibility-api lists this practitioner, with its serial, and not revoked. */
async function stillRegistered(
  options: { eligibilityUrl: string; serviceKey: string; institutionCode: string },
  kept: SamplePractitioner,
): Promise<boolean> {
  const response = await fetch(
    `${options.eligibilityUrl}/v1/internal/institutions/${options.institutionCode}/practitioners`,
    { headers: { 'x-service-key': options.serviceKey } },
  );
  if (response.status !== 200) return false;
  const { practitioners } = (await response.json()) as {
    practitioners?: Array<{
      practitionerId: string;
      certificateSerial: string;
      revokedAt: null | string;
    }>;
  };
  return (practitioners ?? []).some(
    (p) =>
      p.practitionerId === kept.practitionerId &&
      p.certificateSerial === kept.certificateSerial &&
      !p.revokedAt,
  );
}

/** The keys file's practitioners; [] when there is none yet. */
export function readKeys(file: string): Promise<SamplePractitioner[]> {
  return readKeptEntries<SamplePractitioner>(file);
}

/** The note the stack prints for a sample practitioner. */
export function practitionerNote(p: SamplePractitioner, dataDir: string): string {
  return `practitioner ${p.role} ${p.certificateSerial} (${p.practitionerId}) at ${p.institutionCode}: sign with shikaku practitioner sign --keys ${join(dataDir, PRACTITIONER_KEYS_FILE)} --institution ${p.institutionCode} GET <path>`;
}
