/**
 * The practitioner proof's string and headers (docs/practitioners.md), with no import at all: the
 * k6 script (loadtests/k6/eligibility.ts) imports this file directly, as the server, the CLI and the
 * Node load runner do through practitioner-proof.ts, so every signer builds the same bytes.
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

/** The four proof headers, given the signature over `practitionerProofMessage(fields)` (base64url). */
export function practitionerProofHeaders(
  fields: PractitionerProofFields,
  signature: string,
): Record<string, string> {
  return {
    [PRACTITIONER_PROOF_HEADERS.certificate]: fields.certificateSerial,
    [PRACTITIONER_PROOF_HEADERS.timestamp]: fields.timestamp,
    [PRACTITIONER_PROOF_HEADERS.nonce]: fields.nonce,
    [PRACTITIONER_PROOF_HEADERS.signature]: signature,
  };
}
