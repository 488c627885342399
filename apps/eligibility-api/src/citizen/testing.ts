// For the citizen tests: the card's part (its key signs a challenge) and a J-LIS that answers a
// certificate's status and public key, as the real services do over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveCardKeyPair, signWithCardKey } from '@shikaku/core/card-key';
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
