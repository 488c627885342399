import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  AppError,
  COMMON_ERROR_STATUS,
  type ErrorStatusTable,
  registerErrorHandler,
} from '@shikaku/platform/errors';
import { AJV_OPTIONS, registerInputGuards } from '@shikaku/platform/input-guards';
import type { Logger } from '@shikaku/platform/logger';
import type { Emulator } from './emulator.js';
import { type DispatchResult, type Reader, viewOf } from './reader.js';
import { READER_MODELS } from './reader-models.js';
import { checkScenario, runScenario, ScenarioReportSchema } from './scenario.js';
import {
  ConsentsBody,
  ErrorSchema,
  FaceBody,
  PinBody,
  PlaceCardBody,
  ReaderModelSchema,
  ReaderParams,
  ReaderViewSchema,
  RegistrationBody,
  SettingsBody,
  VisualBody,
} from './schemas.js';

/**
 * The reader emulator's HTTP control API: place a card, show a face, type a PIN, answer the
 * consent screens, and read the reader's state. A face mismatch or a locked card is a state of the
 * reader (200, see `notice` / `failure`); an action the current step does not allow is an error.
 */
export const READER_ERROR_STATUS: ErrorStatusTable = {
  ...COMMON_ERROR_STATUS,
  READER_NOT_FOUND: 404,
  INVALID_STEP: 409,
  METHOD_NOT_SUPPORTED: 409,
  INVALID_SIMILARITY: 400,
  INVALID_PIN_FORMAT: 400,
  CONSENT_SCREEN_DISABLED: 400,
  CONSENT_ANSWER_MISSING: 400,
  INVALID_SCENARIO: 400,
};

export interface ReaderAppConfig {
  /** Serve the OpenAPI document and the docs page. */
  docs: boolean;
}

export interface ReaderAppDeps {
  emulator: Emulator;
  logger: Logger;
}

const errors = { 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export async function buildApp(
  config: ReaderAppConfig,
  deps: ReaderAppDeps,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    ajv: AJV_OPTIONS,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerInputGuards(app);
  registerErrorHandler(app, READER_ERROR_STATUS);
  if (config.docs) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'shikaku reader emulator',
          description: '顔認証付きカードリーダー emulator: control API',
          version: '0.0.0',
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }
  app.addHook('onClose', async () => deps.emulator.stop());

  const readerOf = (id: string): Reader => {
    const reader = deps.emulator.readers.get(id);
    if (!reader) throw new AppError('READER_NOT_FOUND', `no reader ${id}`, { field: 'id' });
    return reader;
  };
  const answer = (reader: Reader, result: DispatchResult) => {
    if (!result.ok) {
      throw new AppError(result.code, result.message, result.field ? { field: result.field } : {});
    }
    return viewOf(reader);
  };
  const action = { params: ReaderParams, response: { 200: ReaderViewSchema, ...errors } };

  app.get(
    '/health',
    { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({
      ok: true,
    }),
  );

  app.get(
    '/v1/reader-models',
    { schema: { response: { 200: Type.Object({ models: Type.Array(ReaderModelSchema) }) } } },
    async () => ({
      models: READER_MODELS.map((m) => ({ ...m, consentScreens: [...m.consentScreens] })),
    }),
  );

  app.get(
    '/v1/readers',
    { schema: { response: { 200: Type.Object({ readers: Type.Array(ReaderViewSchema) }) } } },
    async () => ({ readers: [...deps.emulator.readers.values()].map(viewOf) }),
  );

  app.get('/v1/readers/:id', { schema: action }, async (request) =>
    viewOf(readerOf(request.params.id)),
  );

  app.post(
    '/v1/readers/:id/card',
    { schema: { ...action, body: PlaceCardBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(
        reader,
        await reader.placeCard(request.body.certificateSerial, request.body.pin),
      );
    },
  );

  app.delete('/v1/readers/:id/card', { schema: action }, async (request) => {
    const reader = readerOf(request.params.id);
    return answer(reader, await reader.dispatch({ type: 'card-removed' }));
  });

  app.post('/v1/readers/:id/face', { schema: { ...action, body: FaceBody } }, async (request) => {
    const reader = readerOf(request.params.id);
    return answer(
      reader,
      await reader.dispatch({ type: 'face', similarity: request.body.similarity }),
    );
  });

  app.post('/v1/readers/:id/pin', { schema: { ...action, body: PinBody } }, async (request) => {
    const reader = readerOf(request.params.id);
    return answer(reader, await reader.dispatch({ type: 'pin', pin: request.body.pin }));
  });

  app.post(
    '/v1/readers/:id/visual',
    { schema: { ...action, body: VisualBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(
        reader,
        await reader.dispatch({ type: 'visual', confirmed: request.body.confirmed }),
      );
    },
  );

  app.post(
    '/v1/readers/:id/consents',
    { schema: { ...action, body: ConsentsBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(reader, await reader.dispatch({ type: 'consents', answers: request.body }));
    },
  );

  app.post(
    '/v1/readers/:id/registration',
    { schema: { ...action, body: RegistrationBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(
        reader,
        await reader.dispatch({ type: 'registration', accept: request.body.accept }),
      );
    },
  );

  app.put(
    '/v1/readers/:id/settings',
    { schema: { ...action, body: SettingsBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      const result = await reader.configure(request.body);
      if (!result.ok) throw new AppError(result.code, result.message);
      return viewOf(reader);
    },
  );

  app.post(
    '/v1/scenarios',
    {
      schema: {
        // Checked by the scenario schema below, so the error names the step's field.
        body: Type.Unknown(),
        response: { 200: ScenarioReportSchema, 400: ErrorSchema },
      },
    },
    async (request) => {
      const parsed = checkScenario(request.body);
      if (!parsed.ok) {
        throw new AppError('INVALID_SCENARIO', parsed.message, { field: parsed.field });
      }
      return runScenario(parsed.scenario, deps.emulator.readers);
    },
  );

  return app;
}
