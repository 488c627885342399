// A practitioner's proof on a request for drug or checkup information (docs/practitioners.md): the
// practitioner's private key (an HPKI card's, in the real world) signs a string that binds the
// request (method, path with query), the institution whose token the request carries, the
// certificate, a timestamp and a single-use nonce. The server checks the signature with the public
// key the institution's admin registered, the timestamp within a bounded skew and the nonce unused.
// The string and headers are built in practitioner-proof-message.ts (no imports, so k6 shares it).
import { type KeyObject, sign } from 'node:crypto';
import {
  type PractitionerProofFields,
  practitionerProofHeaders,
  practitionerProofMessage,
} from './practitioner-proof-message.js';

export {
  PRACTITIONER_PROOF_HEADERS,
  PRACTITIONER_PROOF_VERSION,
  type PractitionerProofFields,
  practitionerProofHeaders,
  practitionerProofMessage,
} from './practitioner-proof-message.js';

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
  return practitionerProofHeaders(fields, signature.toString('base64url'));
}
