import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyFingerprint } from './public-key-fingerprint.js';

// A P-256 public key and its fingerprint as OpenSSL 3 printed it:
//   openssl pkey -pubin -in key.pem -outform der | openssl dgst -sha256 -binary | base64
const PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYqC7HMKVvoIORwSKVgSSCs1xtR/m
jtGxzFX6EXpBlU0zH9ByLZwAWbT2dvS9Bt1BKZ11B1/ZxY2cQTBrJWCvYw==
-----END PUBLIC KEY-----
`;
const OPENSSL_FINGERPRINT = 'HSo3jhbXaUrUJk5KUxEM3HcxfSUnjHoIYuRA2SV/nT0=';

describe('publicKeyFingerprint', () => {
  it("is the SHA-256 of the key's SubjectPublicKeyInfo DER in Base64, as OpenSSL prints it", () => {
    expect(publicKeyFingerprint(PEM)).toBe(OPENSSL_FINGERPRINT);
  });

  it('is the same for every encoding of one key, and differs for another key', () => {
    const base64 = PEM.split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .join('');
    const oneLine = `-----BEGIN PUBLIC KEY-----\n${base64}\n-----END PUBLIC KEY-----`;
    const narrow = `-----BEGIN PUBLIC KEY-----\n${base64.match(/.{1,40}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    for (const same of [oneLine, narrow, PEM.replace(/\n/g, '\r\n'), createPublicKey(PEM)])
      expect(publicKeyFingerprint(same)).toBe(OPENSSL_FINGERPRINT);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(publicKeyFingerprint(other)).not.toBe(OPENSSL_FINGERPRINT);
  });

  it('throws on text that is no public key', () => {
    expect(() =>
      publicKeyFingerprint('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    ).toThrow();
  });
});
