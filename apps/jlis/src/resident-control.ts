import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { Type } from 'typebox';
import { type Clock, jstDate } from '@shikaku/core/clock';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { residentProblem, residentStorageForm } from '@shikaku/core/resident';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  insertResident,
  removeResident,
  type Resident,
  updateResident,
} from '@shikaku/db/jlis/residents';
import { AppError, ErrorBodySchema } from '@shikaku/platform/errors';

const Sex = Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Literal('3')]);
const Facts = {
  name: Type.String({ maxLength: 100, description: '漢字氏名' }),
  nameKana: Type.String({ maxLength: 100, description: 'カナ氏名' }),
  birthDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  sex: Sex,
  address: Type.String({ maxLength: 200, description: '住所' }),
};
const ResidentBody = Type.Object({ myNumber: Type.String({ maxLength: 20 }), ...Facts });
const security = [{ controlKey: [] }];

/**
 * The control API that drives the registry (x-control-key): a birth or a move in adds a resident,
 * a move or a marriage changes facts, a death removes the resident and revokes their
 * certificates. Certificates' status is changed with PUT /v1/certificates/{serial}/status.
 */
export function registerResidentControlRoutes(
  app: FastifyInstance,
  deps: { handle: DatabaseHandle; clock: Clock; controlAuth: onRequestHookHandler },
): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const validNumber = (myNumber: string) => {
    if (!isValidMyNumber(myNumber)) {
      throw new AppError('INVALID_MY_NUMBER', 'not a valid My Number', { field: 'myNumber' });
    }
  };
  const checkFacts = (facts: Partial<Omit<Resident, 'myNumber'>>) => {
    const problem = residentProblem(facts, jstDate(deps.clock.now()));
    if (problem) {
      throw new AppError('INVALID_RESIDENT', `${problem.field}: ${problem.reason}`, {
        field: problem.field,
      });
    }
  };

  typed.post(
    '/v1/control/residents',
    {
      schema: {
        summary: 'Add a resident: a birth or a move in (control)',
        security,
        body: ResidentBody,
        response: {
          201: Type.Object({ myNumber: Type.String() }, { description: 'The resident was added' }),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          409: ErrorBodySchema,
          422: ErrorBodySchema,
        },
      },
      onRequest: [deps.controlAuth],
    },
    async (request, reply) => {
      const { myNumber, ...facts } = request.body;
      validNumber(myNumber);
      checkFacts(facts);
      if (!(await insertResident(deps.handle, { myNumber, ...residentStorageForm(facts) }))) {
        throw new AppError('RESIDENT_EXISTS', 'a resident with this My Number exists');
      }
      return reply.status(201).send({ myNumber });
    },
  );

  typed.patch(
    '/v1/control/residents/:myNumber',
    {
      schema: {
        summary: 'Change a resident: a move (address), a marriage (name, kana) (control)',
        security,
        params: Type.Object({ myNumber: Type.String({ maxLength: 20 }) }),
        body: Type.Partial(Type.Object(Facts), { minProperties: 1 }),
        response: {
          200: Type.Object(
            { myNumber: Type.String(), ...Facts },
            { description: 'The resident as now recorded' },
          ),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          422: ErrorBodySchema,
        },
      },
      onRequest: [deps.controlAuth],
    },
    async (request) => {
      const { myNumber } = request.params;
      validNumber(myNumber);
      checkFacts(request.body);
      const after = await updateResident(deps.handle, myNumber, residentStorageForm(request.body));
      if (!after) throw new AppError('RESIDENT_NOT_FOUND', 'no resident with this number');
      return after;
    },
  );

  typed.delete(
    '/v1/control/residents/:myNumber',
    {
      schema: {
        summary: 'Remove a resident: a death; their certificates are revoked (control)',
        security,
        params: Type.Object({ myNumber: Type.String({ maxLength: 20 }) }),
        response: {
          204: Type.Null({ description: 'The resident was removed' }),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          404: ErrorBodySchema,
        },
      },
      onRequest: [deps.controlAuth],
    },
    async (request, reply) => {
      const { myNumber } = request.params;
      validNumber(myNumber);
      if (!(await removeResident(deps.handle, myNumber, deps.clock.now()))) {
        throw new AppError('RESIDENT_NOT_FOUND', 'no resident with this number');
      }
      return reply.status(204).send(null);
    },
  );
}
