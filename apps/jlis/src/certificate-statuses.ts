import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { Type } from 'typebox';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findCertificateStatuses } from '@shikaku/db/jlis/residents';
import { ErrorBodySchema } from '@shikaku/platform/errors';

/** Serials one request may carry: eligibility-api's batcher sends at most this many. */
export const MAX_SERIALS_PER_REQUEST = 100;

/** A certificate's status as J-LIS keeps it (the GET and PUT status routes' union). */
export const CertificateStatus = Type.Union([
  Type.Literal('valid'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
/** A batch answer's status: `unknown` for a serial J-LIS does not know. */
const Status = Type.Union([...CertificateStatus.anyOf, Type.Literal('unknown')]);

/**
 * Many certificates' statuses in one exchange (docs/contracts.md, "eligibility-api → jlis"):
 * eligibility-api asks for every card confirmation, and under load one request per confirmation
 * costs both sides more CPU than the lookup itself. One statement reads the whole batch. A serial
 * J-LIS does not know answers `unknown` (as an OCSP responder's certStatus does, RFC 6960 §2.2),
 * not a 404 for the whole request, so one stray serial cannot fail the others. Faults apply once
 * per request, as an outage takes the whole exchange. The answer never carries the My Number.
 */
export function registerCertificateStatusesRoute(
  app: FastifyInstance,
  deps: { handle: DatabaseHandle; onRequest: onRequestHookHandler[] },
): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/certificates/statuses',
    {
      schema: {
        summary: 'Are these certificates valid: one status per serial, in order (no My Number)',
        security: [{ serviceKey: [] }],
        body: Type.Object({
          serials: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
            minItems: 1,
            maxItems: MAX_SERIALS_PER_REQUEST,
          }),
        }),
        response: {
          200: Type.Object(
            {
              statuses: Type.Array(Type.Object({ serial: Type.String(), status: Status })),
            },
            {
              description:
                'One entry per asked serial, in the order asked; `unknown` for a serial J-LIS does not know',
            },
          ),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      onRequest: deps.onRequest,
    },
    async (request) => {
      const { serials } = request.body;
      const found = await findCertificateStatuses(deps.handle, serials);
      return {
        statuses: serials.map((serial, i) => ({
          serial,
          status: found[i] ?? ('unknown' as const),
        })),
      };
    },
  );
}
