// The shown-once secret between the POST that issues it and the GET that shows it. It waits in
// the database (portal.credential_reveals), so whichever portal instance serves the GET can show
// it, sealed with AES-256-GCM under a key derived (HKDF) from a one-time token that only the
// browser holds, in a cookie scoped to the credential pages: the database alone cannot open it,
// and the showing deletes it, so it is shown once and never twice, on any instance.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const REVEAL_COOKIE = 'portal_reveal';
export const REVEAL_COOKIE_PATH = '/usage/credentials';
/** A secret not picked up within this is gone (the credential stays; rotate to get a new one). */
export const REVEAL_TTL_MS = 10 * 60_000;

function keyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, 'shikaku-portal', 'credential-reveal', 32));
}

/** iv (12) | tag (16) | ciphertext, base64url. */
export function sealSecret(token: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The secret, or undefined when the token is not the one it was sealed under (or it was altered). */
export function openSecret(token: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(token), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
