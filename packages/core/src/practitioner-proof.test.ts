import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { practitionerProofMessage, signPractitionerProof } from './practitioner-proof.js';

// The example of docs/practitioners.md ("The proof string"): the protocol is ours, so the document
// is the outside fact every signer (server, CLI, Node runner, k6) is held to.
const fields = {
  method: 'get',
  path: '/v1/consents/c-1/drug-information',
  institutionCode: '0110113719',
  certificateSerial: 'HPKI-0110113719-0001',
  timestamp: '2026-12-03T08:00:00.000Z',
  nonce: 'q3ZxN0h2bV9rYXpvZmZ1b2Q',
};

describe('practitioner proof', () => {
  it('signs the documented seven lines, method upper-cased, no trailing newline', () => {
    expect(practitionerProofMessage(fields)).toBe(
      'SHIKAKU-PRACTITIONER-PROOF-1\nGET\n/v1/consents/c-1/drug-information\n0110113719\n' +
        'HPKI-0110113719-0001\n2026-12-03T08:00:00.000Z\nq3ZxN0h2bV9rYXpvZmZ1b2Q',
    );
  });

  it('gives the four headers, the signature verifying over that string', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const headers = signPractitionerProof(privateKey, fields);
    expect(Object.keys(headers).sort()).toEqual([
      'x-practitioner-certificate',
      'x-practitioner-nonce',
      'x-practitioner-signature',
      'x-practitioner-timestamp',
    ]);
    expect(headers['x-practitioner-certificate']).toBe(fields.certificateSerial);
    expect(headers['x-practitioner-timestamp']).toBe(fields.timestamp);
    expect(headers['x-practitioner-nonce']).toBe(fields.nonce);
    const signature = Buffer.from(headers['x-practitioner-signature'] ?? '', 'base64url');
    expect(
      verify('sha256', Buffer.from(practitionerProofMessage(fields)), publicKey, signature),
    ).toBe(true);
  });
});
