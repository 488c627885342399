// The fingerprint of a public key, to tell whether two encodings name the same key without
// handing the key around: SHA-256 over its SubjectPublicKeyInfo DER, in Base64, the "SPKI
// Fingerprint" as RFC 7469's pin-sha256 directive carries it (§2.1.1). OpenSSL prints the same for
// a PEM file: `openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * The same for every encoding of one key (a PEM wrapped at another width or with CRLF line ends,
 * or the key already parsed). Throws when `key` is not a readable public key.
 */
export function publicKeyFingerprint(key: string | KeyObject): string {
  const keyObject = typeof key === 'string' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(keyObject.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}
