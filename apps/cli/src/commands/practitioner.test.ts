import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCardSignature } from '@shikaku/core/card-key';
import { practitionerProofMessage } from '@shikaku/core/practitioner-proof';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command.js';
import { registerPractitionerCommand } from './practitioner.js';

describe('shikaku practitioner sign', () => {
  let dir: string;
  let keys: string;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const at = new Date('2026-12-03T08:00:00.000Z');
  const sign = (...argv: string[]) =>
    runCommand(
      (program, io) => registerPractitionerCommand(program, io, () => at),
      ['practitioner', 'sign', ...argv],
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'practitioner-'));
    keys = join(dir, 'practitioners.json');
    await writeFile(
      keys,
      JSON.stringify([
        {
          institutionCode: '0110113719',
          practitionerId: 'prac-1',
          name: '見本 医師',
          role: 'doctor',
          certificateSerial: 'HPKI-0110113719-aa',
          privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      ]),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints headers whose signature verifies over the request, with a new nonce each time', async () => {
    const path = '/v1/consents/c-1/drug-information';
    const run = () => sign('GET', path, '--keys', keys, '--institution', '0110113719');
    const first = JSON.parse(await run()) as Record<string, string>;
    const second = JSON.parse(await run()) as Record<string, string>;
    expect(first['x-practitioner-certificate']).toBe('HPKI-0110113719-aa');
    expect(first['x-practitioner-timestamp']).toBe(at.toISOString());
    expect(first['x-practitioner-nonce']).not.toBe(second['x-practitioner-nonce']);
    const message = practitionerProofMessage({
      method: 'GET',
      path,
      institutionCode: '0110113719',
      certificateSerial: 'HPKI-0110113719-aa',
      timestamp: first['x-practitioner-timestamp']!,
      nonce: first['x-practitioner-nonce']!,
    });
    expect(verifyCardSignature(publicPem, message, first['x-practitioner-signature']!)).toBe(true);
    expect(createPublicKey(publicPem).asymmetricKeyType).toBe('ec');
    const curl = await sign('GET', path, '--keys', keys, '--institution', '0110113719', '--curl');
    expect(curl).toMatch(/^-H 'x-practitioner-certificate: HPKI-0110113719-aa' -H /);
  });

  it('says so when the keys file holds no practitioner of the institution', async () => {
    await expect(
      sign('GET', '/v1/x', '--keys', keys, '--institution', '1311234569'),
    ).rejects.toMatchObject({ code: 'NO_SUCH_PRACTITIONER' });
  });
});
