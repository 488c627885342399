import { deriveCardKeyPair, signWithCardKey, verifyCardSignature } from '@shikaku/core/card-key';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { HANAKO, seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';

const config = { ...TEST_CONFIG, cardKeySecret: 'card-issuing-secret' };
const clock = TEST_CLOCK;
const MY_NUMBER = HANAKO.myNumber;

describeEachDatabase('jlis certificate public keys', ({ handle }) => {
  let app: FastifyInstance;
  let withoutSecret: FastifyInstance;
  const logger = createLogger({ name: 'jlis', level: 'silent' });

  beforeAll(async () => {
    await seedHanako(handle(), 'KEY0000000000001');
    app = await buildApp(config, { handle: handle(), clock, logger });
    withoutSecret = await buildApp(
      { ...config, cardKeySecret: undefined },
      { handle: handle(), clock, logger },
    );
  });
  afterAll(async () => {
    await app.close();
    await withoutSecret.close();
  });

  const get = (on: FastifyInstance, serial: string, key = 'svc') =>
    on.inject({
      method: 'GET',
      url: `/v1/certificates/${serial}/public-key`,
      headers: { 'x-service-key': key },
    });

  it('answers the key the card signs with, and the status, never the My Number', async () => {
    const response = await get(app, 'KEY0000000000001');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { status: string; publicKey: string; algorithm: string };
    expect(body.status).toBe('valid');
    expect(body.algorithm).toBe('ECDSA-P256-SHA256');
    expect(response.body).not.toContain(MY_NUMBER);
    const card = deriveCardKeyPair('card-issuing-secret', 'KEY0000000000001');
    expect(body.publicKey).toBe(card.publicKeyPem);
    const signature = signWithCardKey(card.privateKey, 'nonce');
    expect(verifyCardSignature(body.publicKey, 'nonce', signature)).toBe(true);
  });

  it('refuses an unknown certificate, a wrong service key, and answers no key without a secret', async () => {
    expect((await get(app, 'NOPE')).json().code).toBe('CERTIFICATE_NOT_FOUND');
    expect((await get(app, 'KEY0000000000001', 'wrong')).statusCode).toBe(401);
    const none = await get(withoutSecret, 'KEY0000000000001');
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('PUBLIC_KEY_UNAVAILABLE');
  });
});
