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
import { described } from '@shikaku/platform/openapi';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import type { Emulator } from './emulator.js';
import { type DispatchResult, type Reader, viewOf } from './reader.js';
import { READER_MODELS } from './reader-models.js';
import { CARD_SIGNING_ERROR_STATUS, registerCardSigningRoutes } from './card-signing-routes.js';
import { MAX_PIN_ATTEMPTS } from './reader-machine.js';
import { unlockCard } from './card-store.js';
import { checkScenario, runScenario, ScenarioReportSchema } from './scenario.js';
import {
  CardParams,
  CardStatusSchema,
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
  UnlockBody,
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
  CARD_NOT_FOUND: 404,
  INVALID_STEP: 409,
  METHOD_NOT_SUPPORTED: 409,
  INVALID_SIMILARITY: 400,
  INVALID_PIN_FORMAT: 400,
  CONSENT_SCREEN_DISABLED: 400,
  CONSENT_ANSWER_MISSING: 400,
  CERTIFICATE_UNKNOWN: 422,
  INVALID_SCENARIO: 400,
  ...CARD_SIGNING_ERROR_STATUS,
};

export interface ReaderAppConfig {
  /** Serve the OpenAPI document and the docs page. */
  docs: boolean;
}

export interface ReaderAppDeps {
  emulator: Emulator;
  logger: Logger;
  /** The card issuing secret the cards' user-certificate keys derive from (card-signing.ts). */
  cardKeySecret?: string | undefined;
  /** The citizen's sign-in page origin allowed to call the card signing route (CORS). */
  citizenOrigin?: string | undefined;
}

const errors = {
  400: described(ErrorSchema, 'Bad input: a stable code, the field and the reason'),
  404: described(ErrorSchema, 'No such reader'),
  409: described(
    ErrorSchema,
    'Not possible on this step or with this model (INVALID_STEP, METHOD_NOT_SUPPORTED)',
  ),
};
const readerAfter = described(
  ReaderViewSchema,
  'The reader: step, screen (Japanese), card, outcome',
);

export async function buildApp(
  config: ReaderAppConfig,
  deps: ReaderAppDeps,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // No pino child per request: made only when a request writes a line (request-logger.ts).
    childLoggerFactory: lazyChildLogger,
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
  const action = (summary: string) => ({
    summary,
    tags: ['reader'],
    params: ReaderParams,
    response: { 200: readerAfter, ...errors },
  });

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the emulator answers',
        tags: ['operations'],
        response: { 200: described(Type.Object({ ok: Type.Boolean() }), 'The emulator is up') },
      },
    },
    async () => ({
      ok: true,
    }),
  );

  app.get(
    '/v1/reader-models',
    {
      schema: {
        summary:
          'The four reader models and what each can do (face, PIN pad, visual check, consent screens)',
        tags: ['reader'],
        response: {
          200: described(Type.Object({ models: Type.Array(ReaderModelSchema) }), 'The models'),
        },
      },
    },
    async () => ({
      models: READER_MODELS.map((m) => ({ ...m, consentScreens: [...m.consentScreens] })),
    }),
  );

  app.get(
    '/v1/readers',
    {
      schema: {
        summary: 'Every reader with its step, screen and next actions',
        tags: ['reader'],
        response: {
          200: described(Type.Object({ readers: Type.Array(ReaderViewSchema) }), 'The readers'),
        },
      },
    },
    async () => ({ readers: [...deps.emulator.readers.values()].map(viewOf) }),
  );

  app.get(
    '/v1/readers/:id',
    { schema: action('One reader: step, screen, card, outcome') },
    async (request) => viewOf(readerOf(request.params.id)),
  );

  app.post(
    '/v1/readers/:id/card',
    {
      schema: {
        ...action(
          'Place a My Number card (a new serial becomes an emulated card with the PIN given); a card whose certificate J-LIS does not know is refused here',
        ),
        body: PlaceCardBody,
        response: {
          200: readerAfter,
          ...errors,
          422: described(
            ErrorSchema,
            'The card is refused: J-LIS does not know its certificate (CERTIFICATE_UNKNOWN)',
          ),
        },
      },
    },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(
        reader,
        await reader.placeCard(request.body.certificateSerial, request.body.pin),
      );
    },
  );

  app.delete(
    '/v1/readers/:id/card',
    { schema: action('Take the card away (back to idle)') },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(reader, await reader.dispatch({ type: 'card-removed' }));
    },
  );

  app.post(
    '/v1/readers/:id/face',
    {
      schema: { ...action('Show a face: similarity 0..1 against the card photo'), body: FaceBody },
    },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(
        reader,
        await reader.dispatch({ type: 'face', similarity: request.body.similarity }),
      );
    },
  );

  app.post(
    '/v1/readers/:id/pin',
    {
      schema: {
        ...action(
          'Enter the 4-digit PIN (3 wrong tries lock the card), on the pad or the terminal',
        ),
        body: PinBody,
      },
    },
    async (request) => {
      const reader = readerOf(request.params.id);
      const { pin, on } = request.body;
      return answer(reader, await reader.dispatch({ type: 'pin', pin, ...(on ? { on } : {}) }));
    },
  );

  app.post(
    '/v1/readers/:id/visual',
    {
      schema: {
        ...action('Staff visual check (目視確認) of the holder against the card photo'),
        body: VisualBody,
      },
    },
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
    { schema: { ...action('Answer every consent screen the reader shows'), body: ConsentsBody } },
    async (request) => {
      const reader = readerOf(request.params.id);
      return answer(reader, await reader.dispatch({ type: 'consents', answers: request.body }));
    },
  );

  app.post(
    '/v1/readers/:id/registration',
    {
      schema: {
        ...action('Answer the 保険証利用登録 offer of a first-use card'),
        body: RegistrationBody,
      },
    },
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
    {
      schema: {
        ...action("The facility's face threshold and consent screens (no card on the reader)"),
        body: SettingsBody,
      },
    },
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
        summary: 'Run a scripted scenario (place, face, pin, …, expect) from an empty reader',
        tags: ['scenarios'],
        // Checked by the scenario schema below, so the error names the step's field.
        body: Type.Unknown(),
        response: {
          200: described(ScenarioReportSchema, 'The run: each step, passed or the first failure'),
          400: described(ErrorSchema, 'Not a scenario: the field and the reason'),
        },
      },
    },
    async (request) => {
      const parsed = checkScenario(request.body);
      if (!parsed.ok) {
        throw new AppError('INVALID_SCENARIO', parsed.message, { field: parsed.field });
      }
      return runScenario(parsed.scenario, deps.emulator.readers, deps.emulator.cards);
    },
  );

  // The municipal office's reset (市区町村窓口での初期化) of a card locked by wrong PINs: the lock and
  // the counter are cleared, and a new PIN set when given. The card is then placed again.
  app.post(
    '/v1/cards/:serial/unlock',
    {
      schema: {
        summary:
          "Unlock a card locked by 3 wrong PINs (the municipal office's reset), optionally with a new PIN",
        tags: ['cards'],
        params: CardParams,
        body: UnlockBody,
        response: {
          200: described(CardStatusSchema, 'The card, unlocked'),
          400: described(ErrorSchema, 'Bad input: the new PIN is 4 digits'),
          404: described(ErrorSchema, 'No reader has seen this card'),
        },
      },
    },
    async (request) => {
      const card = await unlockCard(
        deps.emulator.cards,
        request.params.serial,
        request.body?.newPin,
      );
      if (!card) {
        throw new AppError('CARD_NOT_FOUND', 'no reader has seen this card', { field: 'serial' });
      }
      deps.logger.info({ reader: 'control-api' }, 'card unlocked');
      return {
        certificateSerial: card.certificateSerial,
        pinTriesLeft: MAX_PIN_ATTEMPTS - card.failedPinAttempts,
        locked: card.locked,
      };
    },
  );

  registerCardSigningRoutes(app, {
    cards: deps.emulator.cards,
    cardKeySecret: deps.cardKeySecret,
    citizenOrigin: deps.citizenOrigin,
  });

  return app;
}
