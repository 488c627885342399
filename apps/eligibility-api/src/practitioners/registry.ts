import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import { publicKeyFingerprint } from '@shikaku/core/public-key-fingerprint';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  insertPractitioner,
  listPractitioners,
  type PractitionerRecord,
  revokePractitioner,
} from '@shikaku/db/eligibility/practitioners';
import { AppError } from '@shikaku/platform/errors';

/**
 * The roles a practitioner may be registered with: the national qualifications an HPKI certificate
 * names in its hcRole attribute (docs/practitioners.md). A nurse can hold one but may view neither
 * drug nor checkup information (consent.ts says who may see what).
 */
export const PRACTITIONER_ROLES = ['doctor', 'dentist', 'pharmacist', 'nurse'] as const;
export type PractitionerRole = (typeof PRACTITIONER_ROLES)[number];

/**
 * The hcRole value an HPKI certificate carries for each role (保健医療福祉分野PKI認証局 証明書ポリシ,
 * 7.1.2). The CP's English label for 看護師 is not in what we could read, so none is claimed.
 */
export const HC_ROLE: Record<PractitionerRole, string | null> = {
  doctor: 'Medical Doctor',
  dentist: 'Dentist',
  pharmacist: 'Pharmacist',
  nurse: null,
};

export interface PractitionerRegistration {
  name: string;
  role: PractitionerRole;
  certificateSerial: string;
  /** SubjectPublicKeyInfo PEM, or a public JWK. */
  publicKey: string | Record<string, unknown>;
  validFrom: string;
  validTo: string;
}

/**
 * What the API answers for a practitioner. The public key stays in the database; its fingerprint
 * (SHA-256 of the SPKI DER, Base64) lets a client tell whether the registration holds the key it
 * has, e.g. the portal on a resent form.
 */
export function practitionerView(record: PractitionerRecord) {
  return {
    practitionerId: record.practitionerId,
    institutionCode: record.institutionCode,
    name: record.name,
    role: record.role,
    hcRole: HC_ROLE[record.role as PractitionerRole] ?? null,
    certificateSerial: record.certificateSerial,
    publicKeyFingerprint: publicKeyFingerprint(record.publicKey),
    validFrom: record.validFrom.toISOString(),
    validTo: record.validTo.toISOString(),
    registeredAt: record.registeredAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Registers a practitioner of `institutionCode` (the institution's admin does, through the portal
 * or with the institution's own token). Refuses, each with its code and field: a key that is not an
 * ECDSA P-256 or RSA (2048 bits or more) public key, a validity that ends before it starts or has
 * ended, a serial this institution registered already.
 */
export async function registerPractitioner(
  handle: DatabaseHandle,
  institutionCode: string,
  registration: PractitionerRegistration,
  now: Date,
) {
  const publicKey = readPublicKey(registration.publicKey);
  const validFrom = readInstant(registration.validFrom, 'validFrom');
  const validTo = readInstant(registration.validTo, 'validTo');
  if (validTo.getTime() <= validFrom.getTime())
    throw new AppError('VALIDATION_FAILED', 'validTo must come after validFrom', {
      field: 'validTo',
      reason: 'before-valid-from',
    });
  if (validTo.getTime() <= now.getTime())
    throw new AppError('VALIDATION_FAILED', 'this certificate has expired already', {
      field: 'validTo',
      reason: 'expired',
    });
  const record: Omit<PractitionerRecord, 'revokedAt'> = {
    practitionerId: `prac-${randomBytes(8).toString('hex')}`,
    institutionCode,
    name: registration.name,
    role: registration.role,
    certificateSerial: registration.certificateSerial,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    validFrom,
    validTo,
    registeredAt: now,
  };
  if (!(await insertPractitioner(handle, record)))
    throw new AppError(
      'PRACTITIONER_ALREADY_REGISTERED',
      'this institution has registered this certificate already',
      { field: 'certificateSerial' },
    );
  return practitionerView({ ...record, revokedAt: null });
}

export async function listInstitutionPractitioners(
  handle: DatabaseHandle,
  institutionCode: string,
) {
  return (await listPractitioners(handle, institutionCode)).map(practitionerView);
}

/** Revoked in the database: every instance refuses the certificate's next proof. */
export async function revokeInstitutionPractitioner(
  handle: DatabaseHandle,
  institutionCode: string,
  practitionerId: string,
  now: Date,
): Promise<void> {
  if (!(await revokePractitioner(handle, institutionCode, practitionerId, now)))
    throw new AppError('NOT_FOUND', 'no live practitioner with this id at this institution');
}

function readPublicKey(given: string | Record<string, unknown>): KeyObject {
  let key: KeyObject;
  try {
    key =
      typeof given === 'string'
        ? createPublicKey(given)
        : createPublicKey({ key: given as JsonWebKey, format: 'jwk' });
  } catch {
    throw new AppError('PRACTITIONER_KEY_INVALID', 'the public key cannot be read (PEM or JWK)', {
      field: 'publicKey',
      reason: 'unreadable',
    });
  }
  const details = key.asymmetricKeyDetails;
  const supported =
    key.type === 'public' &&
    ((key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') ||
      (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048));
  if (!supported)
    throw new AppError(
      'PRACTITIONER_KEY_INVALID',
      'the public key must be ECDSA P-256 or RSA of 2048 bits or more',
      { field: 'publicKey', reason: 'unsupported-key' },
    );
  return key;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function readInstant(value: string, field: string): Date {
  const at = new Date(value);
  if (!INSTANT.test(value) || Number.isNaN(at.getTime()))
    throw new AppError('VALIDATION_FAILED', `${field} must be an RFC 3339 date-time`, {
      field,
      reason: 'not-a-date-time',
    });
  return at;
}
