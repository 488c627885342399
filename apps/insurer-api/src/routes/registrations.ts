import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jstDate } from '@shikaku/core/clock';
import { canConfirmNoSuspicion } from '@shikaku/core/mis-entry';
import {
  confirmRegistration,
  findRegistration,
  findRegistrationByCard,
  listRegistrations,
  type Registration,
} from '@shikaku/db/intermediate/registrations';
import { AppError } from '@shikaku/platform/errors';
import { described } from '@shikaku/platform/openapi';
import { insurerAuth, requireInsurer } from '../auth.js';
import { BULK_ENCODINGS, type BulkFormat } from '../bulk/parse.js';
import { type BulkPool, createBulkPool } from '../bulk/pool.js';
import { processUpload } from '../bulk/upload.js';
import type { InsurerApiContext } from '../context.js';
import { registerBatch } from '../registration/register.js';
import { validateRegistration, type RegistrationInput } from '../registration/validate.js';
import {
  ErrorBody,
  Member,
  RegistrationBody,
  RegistrationResult,
  UploadReport,
} from '../schemas.js';

const FORMATS: Record<string, BulkFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

/** Registration routes of an insurer: single, bulk, list, read, resolve a suspicion. */
export function registrationRoutes(app: FastifyInstance, ctx: InsurerApiContext): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = insurerAuth(ctx.handle);
  const security = [{ insurerKey: [] }];

  // Bulk files are handed to the route as the raw stream: any size, never buffered.
  typed.addContentTypeParser(Object.keys(FORMATS), (_request, payload, done) =>
    done(null, payload),
  );

  // On PostgreSQL, bulk files are registered on worker threads, started by the first upload.
  let bulkPool: BulkPool | undefined;
  const bulkPoolOrNone = (): BulkPool | undefined => {
    const url = ctx.handle.url;
    if (!url || ctx.config.bulkWorkers <= 0) return undefined;
    bulkPool ??= createBulkPool(ctx.config.bulkWorkers, url);
    return bulkPool;
  };
  app.addHook('onClose', async () => {
    await bulkPool?.close();
  });

  const registerOne = async (insurerNumber: string, input: RegistrationInput) => {
    const result = validateRegistration(input, insurerNumber);
    if (!result.ok) {
      const first = result.errors[0]!;
      throw new AppError(first.code, first.message, { field: first.field, errors: result.errors });
    }
    const { classified, saved } = await registerBatch(
      ctx.handle,
      [{ value: result.value, line: null }],
      {
        registeredOn: jstDate(ctx.clock.now()),
        policy: ctx.config.policy,
        personRefSecret: ctx.config.personRefSecret,
        sourceHash: null,
      },
      ctx.clock.now(),
    );
    const stored = await findRegistrationByCard(ctx.handle, result.value);
    const outcome = classified[0]!.outcome;
    return {
      qualificationId: stored?.qualificationId ?? classified[0]!.write.qualificationId,
      checkStatus: stored?.checkStatus ?? classified[0]!.write.checkStatus,
      outcome: outcome.code,
      rule: outcome.rule,
      suspected: outcome.suspected,
      blocked: stored?.blocked ?? false,
      jlisQueued: saved.checks > 0,
      changed: saved.changed > 0,
    };
  };

  typed.post(
    '/v1/registrations',
    {
      schema: {
        summary: 'Register one member (JSON); checked with the mis-entry rules of today',
        tags: ['registrations'],
        security,
        body: RegistrationBody,
        response: {
          201: described(RegistrationResult, 'Registered: the outcome of the mis-entry checks'),
          401: ErrorBody,
          403: ErrorBody,
          422: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      const insurer = requireInsurer(request);
      return reply.status(201).send(await registerOne(insurer.insurerNumber, request.body));
    },
  );

  typed.post(
    '/v1/registrations/bulk',
    {
      schema: {
        summary:
          'Register members from a CSV (header row of field names) or NDJSON file, streamed; bad lines are listed with line, field and code',
        tags: ['registrations'],
        security,
        consumes: Object.keys(FORMATS),
        response: {
          200: described(UploadReport, 'The report of the file, line by line'),
          401: ErrorBody,
          415: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const insurer = requireInsurer(request);
      const [type = '', ...parameters] = (request.headers['content-type'] ?? '').split(';');
      const format = FORMATS[type.trim().toLowerCase()];
      if (!format)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send text/csv or application/x-ndjson');
      const charset = parameters
        .map((p) => p.trim().toLowerCase())
        .find((p) => p.startsWith('charset='))
        ?.slice('charset='.length)
        .replaceAll('"', '');
      const encoding = charset === undefined ? 'utf-8' : BULK_ENCODINGS[charset];
      if (!encoding)
        throw new AppError('UNSUPPORTED_ENCODING', 'send the file as UTF-8 or Shift_JIS', {
          field: 'charset',
        });
      return processUpload(
        {
          handle: ctx.handle,
          clock: ctx.clock,
          policy: ctx.config.policy,
          personRefSecret: ctx.config.personRefSecret,
          batchSize: ctx.config.bulkBatchSize,
          concurrency: ctx.handle.kind === 'postgres' ? ctx.config.bulkConcurrency : 1,
          pool: bulkPoolOrNone(),
        },
        insurer.insurerNumber,
        format,
        request.body as Readable,
        encoding,
      );
    },
  );

  typed.get(
    '/v1/registrations',
    {
      schema: {
        summary: "The insurer's own registrations, paged by qualificationId",
        tags: ['registrations'],
        security,
        querystring: Type.Object({
          after: Type.Optional(Type.String()),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          checkStatus: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object(
            { registrations: Type.Array(Member) },
            { description: "The insurer's registrations" },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const insurer = requireInsurer(request);
      const rows = await listRegistrations(ctx.handle, insurer.insurerNumber, request.query);
      return { registrations: rows.map(toMember) };
    },
  );

  const ownRegistration = async (insurerNumber: string, qualificationId: string) => {
    const registration = await findRegistration(ctx.handle, qualificationId);
    // Another insurer's registration is answered exactly like a missing one.
    if (!registration || registration.insurerNumber !== insurerNumber) {
      throw new AppError('REGISTRATION_NOT_FOUND', 'no such registration of this insurer');
    }
    return registration;
  };

  typed.get(
    '/v1/registrations/:qualificationId',
    {
      schema: {
        summary: 'One of the insurer’s registrations',
        tags: ['registrations'],
        security,
        params: Type.Object({ qualificationId: Type.String({ maxLength: 64 }) }),
        response: { 200: described(Member, 'The registration'), 401: ErrorBody, 404: ErrorBody },
      },
      onRequest: auth,
    },
    async (request) =>
      toMember(
        await ownRegistration(
          requireInsurer(request).insurerNumber,
          request.params.qualificationId,
        ),
      ),
  );

  typed.post(
    '/v1/registrations/:qualificationId/resolution',
    {
      schema: {
        summary:
          'Resolve a suspicion: confirm "no suspicion" with a reason, or correct the My Number (the checks run again)',
        tags: ['registrations'],
        security,
        params: Type.Object({ qualificationId: Type.String({ maxLength: 64 }) }),
        body: Type.Union([
          Type.Object({
            action: Type.Literal('confirm'),
            reason: Type.String({ minLength: 1, maxLength: 500 }),
          }),
          Type.Object({
            action: Type.Literal('correct'),
            myNumber: Type.String({ maxLength: 20 }),
          }),
        ]),
        response: {
          200: described(Member, 'The registration after the resolution'),
          401: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
          422: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const insurer = requireInsurer(request);
      const current = await ownRegistration(insurer.insurerNumber, request.params.qualificationId);
      const body = request.body;
      if (body.action === 'confirm') {
        if (!canConfirmNoSuspicion(current.checkStatus, current.blocked)) {
          throw new AppError(
            'NOTHING_SUSPECTED',
            `nothing is suspected about this registration (${current.checkStatus}): there is nothing to confirm`,
          );
        }
        await confirmRegistration(
          ctx.handle,
          {
            insurerNumber: insurer.insurerNumber,
            qualificationId: current.qualificationId,
            reason: body.reason,
          },
          ctx.clock.now(),
        );
      } else {
        await registerOne(insurer.insurerNumber, { ...toInput(current), myNumber: body.myNumber });
      }
      return toMember(await ownRegistration(insurer.insurerNumber, current.qualificationId));
    },
  );
}

function toMember(r: Registration) {
  return {
    qualificationId: r.qualificationId,
    insurerNumber: r.insurerNumber,
    cardSymbol: r.cardSymbol,
    cardNumber: r.cardNumber,
    branchNumber: r.branchNumber,
    myNumber: r.myNumber,
    name: r.name,
    nameKana: r.nameKana,
    birthDate: r.birthDate,
    sex: r.sex,
    address: r.address,
    qualificationDate: r.qualificationDate,
    disqualificationDate: r.disqualificationDate,
    cardIssuedOn: r.cardIssuedOn,
    cardValidFrom: r.cardValidFrom,
    cardValidTo: r.cardValidTo,
    registeredOn: r.registeredOn,
    checkStatus: r.checkStatus,
    blocked: r.blocked,
  };
}

function toInput(r: Registration): RegistrationInput {
  return {
    myNumber: r.myNumber,
    cardSymbol: r.cardSymbol,
    cardNumber: r.cardNumber,
    branchNumber: r.branchNumber,
    cardClassification: r.cardClassification,
    personalFamily: r.personalFamily,
    name: r.name,
    nameKana: r.nameKana,
    birthDate: r.birthDate,
    sex: r.sex,
    address: r.address,
    postNumber: r.postNumber,
    qualificationDate: r.qualificationDate,
    disqualificationDate: r.disqualificationDate,
    reasonOfLoss: r.reasonOfLoss,
    incomeClass: r.incomeClass,
    cardIssuedOn: r.cardIssuedOn,
    cardValidFrom: r.cardValidFrom,
    cardValidTo: r.cardValidTo,
  };
}
