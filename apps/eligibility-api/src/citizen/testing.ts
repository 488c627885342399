// For the citizen tests: the card's part (its key signs a challenge) and a J-LIS that answers a
// certificate's status and public key, as the real services do over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveCardKeyPair, signWithCardKey } from '@shikaku/core/card-key';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { EligibilityConfig } from '../config.js';
import { createFixture, type Fixture, MY_NUMBER } from '../testing/fixture.js';
import type { CertificateStatus } from '../upstream.js';

/** The issuing secret the emulated cards (reader-emulator) and J-LIS share. */
export const ISSUING_SECRET = 'card-issuing-secret-for-tests';

/** The card's part (reader-emulator's, after the PIN): sign the challenge with its own key. */
export const cardSigns = (serial: string, challenge: string): string =>
  signWithCardKey(deriveCardKeyPair(ISSUING_SECRET, serial).privateKey, challenge);

/**
 * J-LIS's `/v1/certificates/{serial}/public-key`, answering each certificate's status from
 * `statusOf` (undefined or 'unknown': not found); `down` makes it answer 503.
 */
export async function startJlisStub(
  statusOf: (serial: string) => CertificateStatus | undefined,
): Promise<{ url: string; down: boolean; close(): Promise<void> }> {
  const stub = { down: false };
  const server: Server = createServer((request, response) => {
    const serial = decodeURIComponent(request.url!.split('/')[3] ?? '');
    const status = statusOf(serial);
    if (stub.down) return void response.writeHead(503).end('{}');
    response.setHeader('content-type', 'application/json');
    if (!status || status === 'unknown')
      return void response.writeHead(404).end('{"code":"CERTIFICATE_NOT_FOUND"}');
    response.end(
      JSON.stringify({
        serial,
        status,
        publicKey: deriveCardKeyPair(ISSUING_SECRET, serial).publicKeyPem,
      }),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return Object.assign(stub, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  });
}

type Inject = (options: InjectOptions) => Promise<LightMyRequestResponse>;

/**
 * The app on a test database with a J-LIS that knows the fixture's certificates, and a way to
 * issue cards: J-LIS knows each, and those `registered` are linked for insurance use (保険証利用登録)
 * at the fixture's clinic, as a reader registers them.
 */
export async function createCitizenFixture(
  handle: DatabaseHandle,
  config: Partial<EligibilityConfig> = {},
) {
  const held: { fixture?: Fixture } = {};
  const jlis = await startJlisStub((serial) => held.fixture?.upstream.cards.get(serial)?.status);
  // The fixture's monotonic clock stands still: suites that are not about the challenge limit
  // (challenge-limit.test.ts) sign in more often than it admits.
  const fixture = await createFixture(handle, {
    jlisUrl: jlis.url,
    citizenChallengeRatePerSecond: 1000,
    ...config,
  });
  held.fixture = fixture;
  return Object.assign(fixture, {
    jlis,
    async issueCards(
      cards: Array<{ serial: string; personRef: string; registered?: boolean }>,
      inject: Inject = (options) => fixture.app.inject(options),
    ) {
      const auth = { authorization: `Bearer ${await fixture.token()}` };
      for (const { serial, personRef, registered = true } of cards) {
        fixture.upstream.cards.set(serial, { personRef, myNumber: MY_NUMBER, status: 'valid' });
        if (!registered) continue;
        const response = await inject({
          method: 'POST',
          url: '/v1/card-registrations',
          headers: auth,
          payload: { certificateSerial: serial },
        });
        if (response.statusCode !== 201) throw new Error(`registering ${serial}: ${response.body}`);
      }
    },
    /** The card at the clinic's reader (PIN verified) with these consents; answers the body. */
    async confirmCard(
      serial: string,
      consents: Record<string, boolean>,
      inject: Inject = (options) => fixture.app.inject(options),
    ) {
      const response = await inject({
        method: 'POST',
        url: '/v1/card-confirmations',
        headers: { authorization: `Bearer ${await fixture.token()}` },
        payload: { certificateSerial: serial, verificationMethod: 'pin', consents },
      });
      if (response.statusCode !== 200) throw new Error(`confirming ${serial}: ${response.body}`);
      return response.json() as { consents: { consentId: string } };
    },
    async close() {
      await fixture.app.close();
      await jlis.close();
    },
  });
}
export type CitizenFixture = Awaited<ReturnType<typeof createCitizenFixture>>;

/** The citizen's two sign-in calls: a challenge for a card, and the card's answer to it. */
export function citizenSignIn(inject: Inject) {
  return {
    async challenge(serial: string): Promise<string> {
      const response = await inject({
        method: 'POST',
        url: '/v1/citizen/challenges',
        payload: { certificateSerial: serial },
      });
      if (response.statusCode !== 201) throw new Error(`challenge: ${response.body}`);
      return response.json().challenge as string;
    },
    answer(serial: string, challenge: string, signature = cardSigns(serial, challenge)) {
      return inject({
        method: 'POST',
        url: '/v1/citizen/sessions',
        payload: { certificateSerial: serial, challenge, signature },
      });
    },
  };
}
