import { createPublicKey, type KeyObject } from 'node:crypto';
import { verifyCardSignature } from '@shikaku/core/card-key';
import {
  PRACTITIONER_PROOF_HEADERS as H,
  practitionerProofMessage,
} from '@shikaku/core/practitioner-proof';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  findPractitionersBySerial,
  type PractitionerRecord,
  usePractitionerNonce,
} from '@shikaku/db/eligibility/practitioners';
import { AppError } from '@shikaku/platform/errors';

/** How far a proof's timestamp may be from the server's wall clock, either way. */
export const PROOF_SKEW_MS = 5 * 60_000;

/** The practitioner a request's proof names, once every check passed. */
export interface VerifiedPractitioner {
  practitionerId: string;
  role: string;
  institutionCode: string;
}

export interface ProofRequest {
  method: string;
  /** As sent, with its query string (Fastify's request.url). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

const DOCS = 'docs/practitioners.md';
const SERIAL = /^[A-Za-z0-9._-]{1,64}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{16,1024}$/;

/**
 * Checks a request's practitioner proof for the calling institution, in this order, each refusal
 * with its stable code: no proof (PRACTITIONER_CREDENTIAL_REQUIRED; the old `x-practitioner-role`
 * header alone is no proof), a malformed header, a timestamp outside the skew, a certificate no
 * institution registered or only another one did, a signature that does not verify with the
 * registered key, a revoked certificate, one outside its validity, a nonce used before.
 *
 * The certificate is read from the database on every proof, so a revocation holds at once on every
 * instance; the nonce is recorded there too, so a replay fails on any instance. The timestamp is
 * measured on the wall clock (`wallMs`), which the client shares; the certificate's validity on the
 * app's clock (`now`, which the stack may run as of another date), like every other rule.
 */
export async function verifyPractitionerProof(
  handle: DatabaseHandle,
  request: ProofRequest,
  institutionCode: string,
  clocks: { now: Date; wallMs: number },
): Promise<VerifiedPractitioner> {
  const proof = readPractitionerProof(request, clocks.wallMs);
  const registrations = await findPractitionersBySerial(handle, proof.certificateSerial);
  return acceptPractitionerProof(handle, request, proof, registrations, institutionCode, clocks);
}

/** A proof's headers, well-formed and within the clock skew, not yet checked against anything. */
export interface PresentedProof {
  certificateSerial: string;
  timestamp: string;
  timestampMs: number;
  nonce: string;
  signature: string;
}

/** The checks a proof's headers alone decide (verifyPractitionerProof's first three). */
export function readPractitionerProof(request: ProofRequest, wallMs: number): PresentedProof {
  const certificateSerial = header(request, H.certificate);
  const timestamp = header(request, H.timestamp);
  const nonce = header(request, H.nonce);
  const signature = header(request, H.signature);
  if (
    certificateSerial === undefined &&
    timestamp === undefined &&
    nonce === undefined &&
    signature === undefined
  )
    throw new AppError(
      'PRACTITIONER_CREDENTIAL_REQUIRED',
      request.headers['x-practitioner-role'] === undefined
        ? `drug and checkup information need a registered practitioner's signed proof (${DOCS})`
        : `x-practitioner-role is no longer accepted: sign the request with a registered practitioner's key (${DOCS})`,
    );
  const presented = {
    certificateSerial: required(certificateSerial, H.certificate, SERIAL),
    timestamp: required(timestamp, H.timestamp, TIMESTAMP),
    nonce: required(nonce, H.nonce, NONCE),
    signature: required(signature, H.signature, SIGNATURE),
  };
  const timestampMs = Date.parse(presented.timestamp);
  if (Number.isNaN(timestampMs)) throw malformed(H.timestamp, 'not-a-date-time');
  if (Math.abs(wallMs - timestampMs) > PROOF_SKEW_MS)
    throw new AppError(
      'PRACTITIONER_PROOF_STALE',
      `the proof's timestamp is more than ${PROOF_SKEW_MS / 60_000} minutes from the server's clock`,
      { field: H.timestamp, serverTime: new Date(wallMs).toISOString() },
    );
  return { ...presented, timestampMs };
}

/**
 * The rest of verifyPractitionerProof's checks, given the certificate's registrations as read
 * from the database for this proof (a caller may read them with other things in one statement).
 */
export async function acceptPractitionerProof(
  handle: DatabaseHandle,
  request: ProofRequest,
  proof: PresentedProof,
  registrations: readonly PractitionerRecord[],
  institutionCode: string,
  clocks: { now: Date; wallMs: number },
): Promise<VerifiedPractitioner> {
  const practitioner = registrations.find((p) => p.institutionCode === institutionCode);
  if (!practitioner)
    throw registrations.length > 0
      ? new AppError(
          'PRACTITIONER_OF_ANOTHER_INSTITUTION',
          'this certificate is registered at another institution, not at the calling one',
          { field: H.certificate },
        )
      : new AppError(
          'PRACTITIONER_UNKNOWN',
          'no practitioner is registered with this certificate',
          {
            field: H.certificate,
          },
        );
  const message = practitionerProofMessage({
    method: request.method,
    path: request.url,
    institutionCode,
    certificateSerial: proof.certificateSerial,
    timestamp: proof.timestamp,
    nonce: proof.nonce,
  });
  // ECDSA signatures come DER (Node, OpenSSL) or r ‖ s (WebCrypto: browsers, k6); one verifies.
  const key = parsedKey(practitioner.publicKey);
  if (
    !verifyCardSignature(key, message, proof.signature) &&
    !verifyCardSignature(key, message, proof.signature, 'ieee-p1363')
  )
    throw new AppError(
      'PRACTITIONER_SIGNATURE_INVALID',
      "the signature does not verify with the practitioner's registered key",
      { field: H.signature },
    );
  if (practitioner.revokedAt !== null)
    throw new AppError('PRACTITIONER_REVOKED', 'this practitioner credential has been revoked');
  const nowMs = clocks.now.getTime();
  if (nowMs < practitioner.validFrom.getTime())
    throw new AppError(
      'PRACTITIONER_CERTIFICATE_NOT_YET_VALID',
      'this certificate is not valid yet',
    );
  if (nowMs >= practitioner.validTo.getTime())
    throw new AppError('PRACTITIONER_CERTIFICATE_EXPIRED', 'this certificate has expired');
  const fresh = await usePractitionerNonce(
    handle,
    {
      certificateSerial: proof.certificateSerial,
      nonce: proof.nonce,
      expiresAt: new Date(proof.timestampMs + PROOF_SKEW_MS),
    },
    new Date(clocks.wallMs),
  );
  if (!fresh)
    throw new AppError(
      'PRACTITIONER_NONCE_REPLAYED',
      'this nonce was used before: sign each request with a new one',
      { field: H.nonce },
    );
  return {
    practitionerId: practitioner.practitionerId,
    role: practitioner.role,
    institutionCode,
  };
}

/** Registered keys parsed once: keyed by the PEM text itself, so nothing needs invalidating. */
const parsedKeys = new Map<string, KeyObject>();
const PARSED_KEYS_HELD = 10_000;

function parsedKey(pem: string): KeyObject | string {
  const held = parsedKeys.get(pem);
  if (held) return held;
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return pem; // a malformed key verifies nothing (verifyCardSignature says false)
  }
  parsedKeys.set(pem, key);
  if (parsedKeys.size > PARSED_KEYS_HELD)
    parsedKeys.delete(parsedKeys.keys().next().value as string);
  return key;
}

function header(request: ProofRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function required(value: string | undefined, name: string, pattern: RegExp): string {
  if (value === undefined) throw malformed(name, 'missing');
  if (!pattern.test(value)) throw malformed(name, 'malformed');
  return value;
}

function malformed(field: string, reason: string): AppError {
  return new AppError(
    'PRACTITIONER_PROOF_MALFORMED',
    `the practitioner proof's ${field} header is ${reason === 'missing' ? 'missing' : 'malformed'} (${DOCS})`,
    { field, reason },
  );
}
