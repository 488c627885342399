import { CARD_KEY_ALGORITHM, deriveCardKeyPair } from '@shikaku/core/card-key';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findCertificate } from '@shikaku/db/jlis/residents';
import { AppError, ErrorBodySchema } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The public key each user certificate (利用者証明用電子証明書) carries. J-LIS issues the certificate
 * over the card's key pair; the emulator derives that pair from the issuing secret the cards share
 * (packages/core/src/card-key.ts), so the key is not stored per certificate, and a re-seeded or
 * restarted registry answers the same key. The answer carries the status, never the My Number.
 */
export function registerCertificateKeyRoutes(
  app: FastifyInstance,
  deps: {
    handle: DatabaseHandle;
    cardKeySecret: string | undefined;
    onRequest: Array<(request: FastifyRequest) => Promise<void>>;
  },
): void {
  app.get<{ Params: { serial: string } }>(
    '/v1/certificates/:serial/public-key',
    {
      schema: {
        summary:
          "A user certificate's public key and status, to verify the card's signature (no My Number)",
        security: [{ serviceKey: [] }],
        params: {
          type: 'object',
          required: ['serial'],
          properties: { serial: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            description: "The certificate's status and public key",
            type: 'object',
            required: ['serial', 'status', 'algorithm', 'publicKey'],
            properties: {
              serial: { type: 'string' },
              status: { type: 'string', enum: ['valid', 'revoked', 'expired'] },
              algorithm: { type: 'string', description: CARD_KEY_ALGORITHM },
              publicKey: { type: 'string', description: 'SubjectPublicKeyInfo, PEM' },
            },
          },
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      onRequest: deps.onRequest,
    },
    async (request) => {
      const certificate = await findCertificate(deps.handle, request.params.serial);
      if (!certificate) throw new AppError('CERTIFICATE_NOT_FOUND', 'no such certificate');
      if (!deps.cardKeySecret)
        throw new AppError(
          'PUBLIC_KEY_UNAVAILABLE',
          'this J-LIS runs without a card issuing secret (JLIS_CARD_KEY_SECRET)',
        );
      return {
        serial: certificate.serial,
        status: certificate.status,
        algorithm: CARD_KEY_ALGORITHM,
        publicKey: deriveCardKeyPair(deps.cardKeySecret, certificate.serial).publicKeyPem,
      };
    },
  );
}
