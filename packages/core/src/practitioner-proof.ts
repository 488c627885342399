import { type KeyObject, sign } from 'node:crypto';

/**
 * A practitioner's proof on a request for drug or checkup information (docs/practitioners.md): the
 * practitioner's private key (an HPKI card's, in the real world) signs a string that binds the
 * request (method, path with query), the institution whose token the request carries, the
 * certificate, a timestamp and a single-use nonce. The server checks the signature with the public
 * key the institution's admin registered, the timestamp within a bounded skew and the nonce unused.
 */
export const PRACTITIONER_PROOF_VERSION = 'SHIKAKU-PRACTITIONER-PROOF-1';

/** The request headers that carry a proof. */
export const PRACTITIONER_PROOF_HEADERS = {
  certificate: 'x-practitioner-certificate',
  timestamp: 'x-practitioner-timestamp',
  nonce: 'x-practitioner-nonce',
  signature: 'x-practitioner-signature',
} as const;

export interface PractitionerProofFields {
  /** GET, POST, … (upper case). */
  method: string;
  /** The path as sent, query string included (`/v1/consents/c-1/drug-information`). */
  path: string;
  /** The institution whose token the request carries. */
  institutionCode: string;
  certificateSerial: string;
  /** RFC 3339 UTC, e.g. 2026-12-03T08:00:00.000Z. */
  timestamp: string;
  /** 16–128 characters of base64url, new for every request. */
  nonce: string;
}

/** The exact bytes signed: one field a line, in this order, no trailing newline. */
export function practitionerProofMessage(fields: PractitionerProofFields): string {
  return [
    PRACTITIONER_PROOF_VERSION,
    fields.method.toUpperCase(),
    fields.path,
    fields.institutionCode,
    fields.certificateSerial,
    fields.timestamp,
    fields.nonce,
  ].join('\n');
}

/**
 * The four proof headers for a request, signed with SHA-256 by `privateKey` (ECDSA P-256 or RSA;
 * the signature is DER for ECDSA, base64url). The caller brings the timestamp and nonce (this
 * package holds no clock and no randomness).
 */
export function signPractitionerProof(
  privateKey: KeyObject,
  fields: PractitionerProofFields,
): Record<string, string> {
  const signature = sign('sha256', Buffer.from(practitionerProofMessage(fields)), privateKey);
  return {
    [PRACTITIONER_PROOF_HEADERS.certificate]: fields.certificateSerial,
    [PRACTITIONER_PROOF_HEADERS.timestamp]: fields.timestamp,
    [PRACTITIONER_PROOF_HEADERS.nonce]: fields.nonce,
    [PRACTITIONER_PROOF_HEADERS.signature]: signature.toString('base64url'),
  };
}
