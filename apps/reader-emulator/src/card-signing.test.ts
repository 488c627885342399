import { deriveCardKeyPair, verifyCardSignature } from '@shikaku/core/card-key';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { type EmulatorFixture, startEmulatorFixture } from './testing/emulator-fixture.js';

const SECRET = 'card-issuing-secret-for-tests';
/** eligibility-api's citizen pages, the one origin whose script may have the card sign. */
const CITIZEN_ORIGIN = 'http://127.0.0.1:7302';

describe("the card's user-certificate signature (citizen sign-in)", () => {
  let fixture: EmulatorFixture;
  let app: FastifyInstance;

  beforeEach(async () => {
    fixture = await startEmulatorFixture();
    app = await buildApp(
      { docs: false },
      {
        emulator: fixture.emulator,
        logger: createLogger({ name: 'reader-emulator', level: 'silent' }),
        cardKeySecret: SECRET,
        citizenOrigin: CITIZEN_ORIGIN,
      },
    );
  });
  afterEach(async () => {
    await app.close();
    await fixture.close();
  });

  const sign = (serial: string, pin: string, challenge = 'challenge-1') =>
    app.inject({
      method: 'POST',
      url: `/v1/cards/${serial}/signatures`,
      payload: { pin, challenge },
    });

  it('signs the challenge after the right PIN, with the key J-LIS holds for the certificate', async () => {
    const response = await sign('REGISTERED-0001', '1234');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { signature: string; algorithm: string };
    expect(body.algorithm).toBe('ECDSA-P256-SHA256');
    const { publicKeyPem } = deriveCardKeyPair(SECRET, 'REGISTERED-0001');
    expect(verifyCardSignature(publicKeyPem, 'challenge-1', body.signature)).toBe(true);
  });

  it('locks the card after three wrong PINs, and the lock is the one the readers see', async () => {
    const first = await sign('REGISTERED-0001', '0000');
    expect(first.statusCode).toBe(401);
    expect(first.json()).toMatchObject({ code: 'PIN_MISMATCH', pinTriesLeft: 2 });
    expect((await sign('REGISTERED-0001', '1111')).json().pinTriesLeft).toBe(1);
    const third = await sign('REGISTERED-0001', '2222');
    expect(third.statusCode).toBe(423);
    expect(third.json().code).toBe('CARD_LOCKED');
    // Even the right PIN opens nothing now, and a reader sees the card locked.
    expect((await sign('REGISTERED-0001', '1234')).statusCode).toBe(423);
    const placed = await app.inject({
      method: 'POST',
      url: '/v1/readers/clinic/card',
      payload: { certificateSerial: 'REGISTERED-0001' },
    });
    expect(placed.json().card).toMatchObject({ locked: true, pinTriesLeft: 0 });
  });

  it('counts wrong PINs typed on a reader and here together; a right PIN resets the count', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/readers/clinic/card',
      payload: { certificateSerial: 'REGISTERED-0001' },
    });
    await app.inject({ method: 'POST', url: '/v1/readers/clinic/pin', payload: { pin: '9999' } });
    await app.inject({ method: 'POST', url: '/v1/readers/clinic/pin', payload: { pin: '9998' } });
    const third = await sign('REGISTERED-0001', '9997');
    expect(third.json().code).toBe('CARD_LOCKED');

    expect((await sign('REGISTERED-0002', '0000')).json().pinTriesLeft).toBe(2);
    expect((await sign('REGISTERED-0002', '1234')).statusCode).toBe(200);
    expect((await sign('REGISTERED-0002', '0000')).json().pinTriesLeft).toBe(2);
  });

  it('refuses a PIN that is not 4 digits without counting it, and signs nothing without a secret', async () => {
    const bad = await sign('REGISTERED-0001', '12a4');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_PIN_FORMAT', field: 'pin', pinTriesLeft: 3 });
    const bare = await buildApp(
      { docs: false },
      {
        emulator: fixture.emulator,
        logger: createLogger({ name: 'reader-emulator', level: 'silent' }),
      },
    );
    const refused = await bare.inject({
      method: 'POST',
      url: '/v1/cards/REGISTERED-0001/signatures',
      payload: { pin: '1234', challenge: 'c' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CARD_KEY_UNAVAILABLE');
    await bare.close();
  });

  it("lets the citizen's sign-in page, and no other origin, call the signing route from a browser", async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/cards/REGISTERED-0001/signatures',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
          'access-control-request-private-network': 'true',
        },
      });
    const allowed = await preflight(CITIZEN_ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': CITIZEN_ORIGIN,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-allow-private-network': 'true',
    });
    const other = await preflight('http://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-methods']).toBeUndefined();
    // The answers themselves, a refusal included, are readable by the citizen's page only.
    const post = (origin: string, pin: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/cards/REGISTERED-0001/signatures',
        headers: { origin },
        payload: { pin, challenge: 'c' },
      });
    const wrong = await post(CITIZEN_ORIGIN, '0000');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['access-control-allow-origin']).toBe(CITIZEN_ORIGIN);
    expect((await post(CITIZEN_ORIGIN, '1234')).headers['access-control-allow-origin']).toBe(
      CITIZEN_ORIGIN,
    );
    expect(
      (await post('http://evil.example', '1234')).headers['access-control-allow-origin'],
    ).toBeUndefined();
    // No CORS at all on the reader's other routes.
    const reader = await app.inject({
      method: 'GET',
      url: '/v1/readers/clinic',
      headers: { origin: CITIZEN_ORIGIN },
    });
    expect(reader.headers['access-control-allow-origin']).toBeUndefined();
  });
});
