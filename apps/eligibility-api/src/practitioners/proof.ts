import { verifyCardSignature } from '@shikaku/core/card-key';
import {
  PRACTITIONER_PROOF_HEADERS as H,
  practitionerProofMessage,
} from '@shikaku/core/practitioner-proof';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  findPractitionersBySerial,
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
  const serial = required(certificateSerial, H.certificate, SERIAL);
  const at = required(timestamp, H.timestamp, TIMESTAMP);
  const usedNonce = required(nonce, H.nonce, NONCE);
  const signed = required(signature, H.signature, SIGNATURE);

  const timestampMs = Date.parse(at);
  if (Number.isNaN(timestampMs)) throw malformed(H.timestamp, 'not-a-date-time');
  if (Math.abs(clocks.wallMs - timestampMs) > PROOF_SKEW_MS)
    throw new AppError(
      'PRACTITIONER_PROOF_STALE',
      `the proof's timestamp is more than ${PROOF_SKEW_MS / 60_000} minutes from the server's clock`,
      { field: H.timestamp, serverTime: new Date(clocks.wallMs).toISOString() },
    );

  const registrations = await findPractitionersBySerial(handle, serial);
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
    certificateSerial: serial,
    timestamp: at,
    nonce: usedNonce,
  });
  // ECDSA signatures come DER (Node, OpenSSL) or r ‖ s (WebCrypto: browsers, k6); one verifies.
  if (
    !verifyCardSignature(practitioner.publicKey, message, signed) &&
    !verifyCardSignature(practitioner.publicKey, message, signed, 'ieee-p1363')
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
      certificateSerial: serial,
      nonce: usedNonce,
      expiresAt: new Date(timestampMs + PROOF_SKEW_MS),
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
