import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { personRefOf } from './person-ref.js';

/** The definition: createHmac, as personRefOf computed it before it hashed in JavaScript. */
const reference = (secret: string, message: string) =>
  `P${createHmac('sha256', secret).update(message).digest('base64url').slice(0, 22)}`;

describe('personRefOf', () => {
  it('equals the HMAC of node:crypto for My Numbers under secrets of every length', () => {
    const secrets = [
      's',
      'bench-secret',
      '秘密の鍵',
      'k'.repeat(63),
      'k'.repeat(64),
      'k'.repeat(65),
    ];
    secrets.push('x'.repeat(200), 'ø'.repeat(40));
    for (const secret of secrets) {
      for (let i = 0; i < 2_000; i++) {
        const myNumber = String(100_000_000_000 + i * 7_919_131);
        expect(personRefOf(secret, myNumber)).toBe(reference(secret, myNumber));
      }
    }
  });

  it('equals it for messages of every length, and non-ASCII ones', () => {
    const messages = Array.from({ length: 80 }, (_, n) =>
      'abc\u007f0123456789'.repeat(6).slice(0, n),
    );
    messages.push('１２３４５６７８９０１８', 'é', '\u0000');
    for (const secret of ['secret-a', 'secret-b', 'secret-a']) {
      for (const message of messages) {
        expect(personRefOf(secret, message)).toBe(reference(secret, message));
      }
    }
  });

  it('is a P and 22 base64url characters', () => {
    expect(personRefOf('bench-secret', '123456789018')).toMatch(/^P[A-Za-z0-9_-]{22}$/);
  });
});
