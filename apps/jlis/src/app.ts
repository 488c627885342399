import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { Type } from 'typebox';
import { isValidMyNumber } from '@shikaku/core/my-number';
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  findCertificate,
  findCertificateStatus,
  findResident,
  setCertificateStatus,
} from '@shikaku/db/jlis/residents';
import { AppError, registerErrorHandler, ErrorBodySchema } from '@shikaku/platform/errors';
import { AJV_OPTIONS, registerInputGuards } from '@shikaku/platform/input-guards';
import type { Logger } from '@shikaku/platform/logger';
import { described } from '@shikaku/platform/openapi';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import type { JlisConfig } from './config.js';
import { JLIS_ERROR_STATUS } from './errors.js';
import { registerCertificateKeyRoutes } from './certificate-keys.js';
import { CertificateStatus, registerCertificateStatusesRoute } from './certificate-statuses.js';
import { registerResidentControlRoutes } from './resident-control.js';
import { FaultInjector } from './faults.js';

export interface JlisDeps {
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  faults?: FaultInjector;
}

const Sex = Type.Union([Type.Literal('1'), Type.Literal('2'), Type.Literal('3')]);
const Resident = Type.Object({
  myNumber: Type.String(),
  name: Type.String({ description: '漢字氏名' }),
  nameKana: Type.String({ description: 'カナ氏名 (full-width katakana)' }),
  birthDate: Type.String({ description: 'YYYY-MM-DD' }),
  sex: Sex,
  address: Type.String({ description: '住所' }),
});
const Faults = Type.Object({
  latencyMs: Type.Integer({ minimum: 0, maximum: 600_000 }),
  errorRate: Type.Number({ minimum: 0, maximum: 1 }),
  down: Type.Boolean(),
});

/** The J-LIS emulator. Never listens; server.ts (or the stack) does. */
export async function buildApp(config: JlisConfig, deps: JlisDeps): Promise<FastifyInstance> {
  // Request URLs here carry the My Number (/v1/residents/{myNumber}); the shared logger writes
  // the route pattern instead of the URL (packages/platform/src/logger.ts).
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Every card confirmation asks for a certificate status: no pino child per request.
    childLoggerFactory: lazyChildLogger,
    ajv: AJV_OPTIONS,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerInputGuards(app);
  const faults = deps.faults ?? new FaultInjector(config.faults);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'shikaku J-LIS emulator',
        description:
          'Resident registry (住基ネット) and card certificate status (JPKI) with fault injection.',
        version: '1',
      },
      components: {
        securitySchemes: {
          serviceKey: { type: 'apiKey', in: 'header', name: 'x-service-key' },
          controlKey: { type: 'apiKey', in: 'header', name: 'x-control-key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerErrorHandler(app, JLIS_ERROR_STATUS);

  const requireKey = (header: string, expected: string) => async (request: FastifyRequest) => {
    const given = request.headers[header];
    if (typeof given !== 'string' || !sameSecret(given, expected)) {
      throw new AppError('UNAUTHENTICATED', `missing or wrong ${header}`);
    }
  };
  const serviceAuth = requireKey('x-service-key', config.serviceKey);
  const controlAuth = requireKey('x-control-key', config.controlKey);
  const faulty = async () => {
    if (await faults.apply()) throw new AppError('JLIS_UNAVAILABLE', 'J-LIS is unavailable');
  };

  app.get(
    '/v1/residents/:myNumber',
    {
      schema: {
        summary: 'Who is this My Number: the five facts (基本4情報 + カナ氏名)',
        security: [{ serviceKey: [] }],
        params: Type.Object({ myNumber: Type.String() }),
        response: {
          200: described(Resident, 'The resident: the five facts'),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      onRequest: [serviceAuth, faulty],
    },
    async (request) => {
      const { myNumber } = request.params;
      if (!isValidMyNumber(myNumber)) {
        throw new AppError('INVALID_MY_NUMBER', 'not a valid My Number', { field: 'myNumber' });
      }
      const resident = await findResident(deps.handle, myNumber);
      if (!resident) throw new AppError('RESIDENT_NOT_FOUND', 'no resident with this number');
      return resident;
    },
  );

  app.get(
    '/v1/certificates/:serial',
    {
      schema: {
        summary: 'A certificate with its holder (only the intermediate server calls this)',
        security: [{ serviceKey: [] }],
        params: Type.Object({ serial: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object(
            { serial: Type.String(), status: CertificateStatus, myNumber: Type.String() },
            { description: 'The certificate, its status and its holder' },
          ),
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      onRequest: [serviceAuth, faulty],
    },
    async (request) => {
      const certificate = await findCertificate(deps.handle, request.params.serial);
      if (!certificate) throw new AppError('CERTIFICATE_NOT_FOUND', 'no such certificate');
      return certificate;
    },
  );

  app.get(
    '/v1/certificates/:serial/status',
    {
      schema: {
        summary: 'Is this certificate valid (no My Number in the answer)',
        security: [{ serviceKey: [] }],
        params: Type.Object({ serial: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object(
            { serial: Type.String(), status: CertificateStatus },
            { description: 'The certificate status' },
          ),
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      onRequest: [serviceAuth, faulty],
    },
    async (request) => {
      const { serial } = request.params;
      const status = await findCertificateStatus(deps.handle, serial);
      if (!status) throw new AppError('CERTIFICATE_NOT_FOUND', 'no such certificate');
      return { serial, status };
    },
  );

  app.put(
    '/v1/certificates/:serial/status',
    {
      schema: {
        summary: 'Revoke, expire or restore a certificate (control)',
        security: [{ controlKey: [] }],
        params: Type.Object({ serial: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ status: CertificateStatus }),
        response: {
          200: Type.Object(
            { serial: Type.String(), status: CertificateStatus },
            { description: 'The status now set' },
          ),
          401: ErrorBodySchema,
          404: ErrorBodySchema,
        },
      },
      onRequest: [controlAuth],
    },
    async (request) => {
      const { serial } = request.params;
      const { status } = request.body;
      if (!(await setCertificateStatus(deps.handle, serial, status, deps.clock.now()))) {
        throw new AppError('CERTIFICATE_NOT_FOUND', 'no such certificate');
      }
      return { serial, status };
    },
  );

  app.get(
    '/v1/control/faults',
    {
      schema: {
        summary: 'Current fault injection',
        security: [{ controlKey: [] }],
        response: { 200: described(Faults, 'The faults in force'), 401: ErrorBodySchema },
      },
      onRequest: [controlAuth],
    },
    async () => faults.current(),
  );

  app.put(
    '/v1/control/faults',
    {
      schema: {
        summary: 'Change fault injection: latency, error rate, down',
        security: [{ controlKey: [] }],
        body: Type.Partial(Faults),
        response: { 200: described(Faults, 'The faults now in force'), 401: ErrorBodySchema },
      },
      onRequest: [controlAuth],
    },
    async (request) => faults.update(request.body),
  );

  registerCertificateKeyRoutes(app, {
    handle: deps.handle,
    cardKeySecret: config.cardKeySecret,
    onRequest: [serviceAuth, faulty],
  });
  registerCertificateStatusesRoute(app, { handle: deps.handle, onRequest: [serviceAuth, faulty] });
  registerResidentControlRoutes(app, { handle: deps.handle, clock: deps.clock, controlAuth });

  app.get(
    '/health',
    { schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );

  return app;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
