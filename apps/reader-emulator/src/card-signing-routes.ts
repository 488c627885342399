import { CARD_KEY_ALGORITHM } from '@shikaku/core/card-key';
import { AppError, type ErrorStatusTable } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { CardStore } from './card-store.js';
import { signChallengeWithCard } from './card-signing.js';
import { CardParams, ErrorSchema } from './schemas.js';

export const CARD_SIGNING_ERROR_STATUS: ErrorStatusTable = {
  PIN_MISMATCH: 401,
  CARD_LOCKED: 423,
  // Not possible with this emulator's configuration, as METHOD_NOT_SUPPORTED is with a model.
  CARD_KEY_UNAVAILABLE: 409,
};

const SignatureBody = Type.Object(
  {
    // The format is judged by the card (INVALID_PIN_FORMAT), so any short string gets there.
    pin: Type.String({ maxLength: 16 }),
    challenge: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);

const SIGNATURES = '/v1/cards/:serial/signatures';

/**
 * `POST /v1/cards/{serial}/signatures`: the citizen's own card reader signs a sign-in challenge
 * with the card (card-signing.ts). eligibility-api's `/v1/citizen/challenges` gives the challenge.
 *
 * The citizen's sign-in page (another origin) calls it from the browser, as マイナポータル's page
 * reaches the JPKI client software on the citizen's machine: CORS allows that one origin
 * (`citizenOrigin`), on this route only; any other origin gets no CORS headers, so its script
 * cannot read an answer.
 */
export function registerCardSigningRoutes(
  app: FastifyInstance,
  deps: { cards: CardStore; cardKeySecret: string | undefined; citizenOrigin?: string | undefined },
): void {
  const allowOrigin = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'origin');
    if (!deps.citizenOrigin || origin !== deps.citizenOrigin) return false;
    reply.header('access-control-allow-origin', origin);
    return true;
  };
  // The preflight of the page's JSON POST.
  app.options(SIGNATURES, { schema: { hide: true } }, async (request, reply) => {
    if (allowOrigin(request, reply)) {
      reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600');
      // A public page reaching a client on the citizen's own machine (Private Network Access).
      if (request.headers['access-control-request-private-network'] === 'true')
        reply.header('access-control-allow-private-network', 'true');
    }
    return reply.status(204).send();
  });
  app.post<{ Params: { serial: string }; Body: { pin: string; challenge: string } }>(
    SIGNATURES,
    {
      onRequest: async (request, reply) => void allowOrigin(request, reply),
      schema: {
        summary:
          "Sign a sign-in challenge with the card's user certificate key after its 4-digit PIN (3 wrong tries lock the card, as on the readers)",
        tags: ['cards'],
        params: CardParams,
        body: SignatureBody,
        response: {
          200: Type.Object(
            {
              certificateSerial: Type.String(),
              algorithm: Type.String(),
              signature: Type.String({ description: 'DER signature, base64url' }),
            },
            { description: 'The signature over the challenge' },
          ),
          400: { ...ErrorSchema, description: 'The PIN is not 4 digits' },
          401: { ...ErrorSchema, description: 'Wrong PIN (pinTriesLeft)' },
          423: { ...ErrorSchema, description: 'The card is locked' },
          409: { ...ErrorSchema, description: 'The emulator runs without a card issuing secret' },
        },
      },
    },
    async (request) => {
      if (!deps.cardKeySecret)
        throw new AppError(
          'CARD_KEY_UNAVAILABLE',
          'this emulator runs without a card issuing secret (READER_CARD_KEY_SECRET)',
        );
      const result = await signChallengeWithCard(deps.cards, deps.cardKeySecret, {
        certificateSerial: request.params.serial,
        pin: request.body.pin,
        challenge: request.body.challenge,
      });
      if (!result.ok)
        throw new AppError(result.code, result.message, {
          ...(result.code === 'INVALID_PIN_FORMAT' ? { field: 'pin' } : {}),
          pinTriesLeft: result.pinTriesLeft,
        });
      return {
        certificateSerial: result.certificateSerial,
        algorithm: CARD_KEY_ALGORITHM,
        signature: result.signature,
      };
    },
  );
}
