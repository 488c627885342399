import { describe, expect, it } from 'vitest';
import { deriveCardKeyPair, signWithCardKey, verifyCardSignature } from './card-key.js';

describe('card key pairs', () => {
  it('derives the same pair from the same secret and serial, another for another serial or secret', () => {
    const a = deriveCardKeyPair('issuing-secret', 'SERIAL-1');
    expect(deriveCardKeyPair('issuing-secret', 'SERIAL-1').publicKeyPem).toBe(a.publicKeyPem);
    expect(deriveCardKeyPair('issuing-secret', 'SERIAL-2').publicKeyPem).not.toBe(a.publicKeyPem);
    expect(deriveCardKeyPair('other-secret', 'SERIAL-1').publicKeyPem).not.toBe(a.publicKeyPem);
    expect(a.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('verifies a signature over the challenge only, by the right key only', () => {
    const card = deriveCardKeyPair('issuing-secret', 'SERIAL-1');
    const other = deriveCardKeyPair('issuing-secret', 'SERIAL-2');
    const signature = signWithCardKey(card.privateKey, 'challenge-1');
    expect(verifyCardSignature(card.publicKeyPem, 'challenge-1', signature)).toBe(true);
    expect(verifyCardSignature(card.publicKeyPem, 'challenge-2', signature)).toBe(false);
    expect(verifyCardSignature(other.publicKeyPem, 'challenge-1', signature)).toBe(false);
    expect(verifyCardSignature(card.publicKeyPem, 'challenge-1', 'not-a-signature')).toBe(false);
    expect(verifyCardSignature('not a key', 'challenge-1', signature)).toBe(false);
  });

  it('refuses an empty issuing secret', () => {
    expect(() => deriveCardKeyPair('', 'SERIAL-1')).toThrow(/empty/);
  });
});
