import {
  createECDH,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * The key pair of an emulated My Number card's user certificate (利用者証明用電子証明書).
 *
 * The real card holds an RSA-2048 key pair and signs with SHA-256 (docs/citizen.md). The emulator
 * derives an ECDSA P-256 key pair instead, from an issuing secret and the certificate serial: the
 * card side (reader-emulator) and the certificate authority side (J-LIS's public key) then agree
 * without storing a key per card, deriving one costs microseconds (an RSA key costs ~100 ms), and
 * the protocol is the same: the card signs a challenge, the verifier checks it with the public key
 * the certificate carries. Without the issuing secret nobody can derive a card's private key.
 */
export const CARD_KEY_ALGORITHM = 'ECDSA-P256-SHA256';

/** The group order of P-256: a private scalar lies in [1, n-1]. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export interface CardKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, PEM: what the certificate carries and J-LIS answers. */
  publicKeyPem: string;
}

/** Deterministic: the same secret and serial give the same key pair. */
export function deriveCardKeyPair(issuingSecret: string, certificateSerial: string): CardKeyPair {
  if (issuingSecret.length === 0) throw new Error('the card issuing secret is empty');
  let scalar: Buffer | undefined;
  for (let counter = 0; scalar === undefined; counter++) {
    const candidate = createHmac('sha256', issuingSecret)
      .update(`jpki-user-certificate\0${certificateSerial}\0${counter}`)
      .digest();
    const value = BigInt(`0x${candidate.toString('hex')}`);
    if (value > 0n && value < P256_ORDER) scalar = candidate;
  }
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: scalar.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
  });
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The card's signature over a challenge (DER, base64url), as the reader's signing command returns. */
export function signWithCardKey(privateKey: KeyObject, challenge: string): string {
  return sign('sha256', Buffer.from(challenge, 'utf8'), privateKey).toString('base64url');
}

/**
 * True only for a signature over exactly `challenge` by the key of `publicKeyPem` (a caller that
 * verifies often may pass the key already parsed). An ECDSA
 * signature is DER unless `dsaEncoding` says 'ieee-p1363' (r ‖ s, what WebCrypto gives).
 */
export function verifyCardSignature(
  publicKeyPem: string | KeyObject,
  challenge: string,
  signature: string,
  dsaEncoding: 'der' | 'ieee-p1363' = 'der',
): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(challenge, 'utf8'),
      {
        key: typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem,
        dsaEncoding,
      },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false; // a malformed key or signature verifies nothing
  }
}
