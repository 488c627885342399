import { Type } from 'typebox';
import { CONSENT_SCREENS } from './reader-models.js';

export { ErrorBodySchema as ErrorSchema } from '@shikaku/platform/errors';

const NullableString = Type.Union([Type.String(), Type.Null()]);

const OutcomeSchema = Type.Union([
  Type.Object({ code: Type.String(), message: Type.String() }),
  Type.Null(),
]);

export const ReaderModelSchema = Type.Object({
  id: Type.String(),
  maker: Type.String(),
  model: Type.String(),
  faceAuth: Type.Boolean(),
  pinPad: Type.Boolean(),
  visualCheck: Type.Boolean(),
  consentScreens: Type.Array(Type.String()),
  defaultFaceThreshold: Type.Number(),
});

export const ReaderViewSchema = Type.Object({
  id: Type.String(),
  institutionCode: Type.String(),
  model: Type.Object({ id: Type.String(), maker: Type.String(), model: Type.String() }),
  faceThreshold: Type.Number(),
  consentScreens: Type.Array(Type.String()),
  step: Type.String(),
  allowedActions: Type.Array(Type.String()),
  card: Type.Union([
    Type.Object({
      certificateSerial: Type.String(),
      pinTriesLeft: Type.Integer(),
      locked: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  method: Type.Union([Type.String(), Type.Null()]),
  pinEntry: Type.Union([Type.Literal('device'), Type.Literal('terminal')], {
    description: "where this model takes a PIN: its own pad, or (no pad) the terminal's screen",
  }),
  screen: Type.Object(
    { title: Type.String(), lines: Type.Array(Type.String()) },
    { description: "what the reader's display shows now (Japanese)" },
  ),
  notice: OutcomeSchema,
  failure: OutcomeSchema,
  // eligibility-api's card confirmation answer, as it came (see its README).
  result: Type.Union([
    Type.Object(
      {
        qualificationValidity: Type.String(),
        confirmationDate: Type.String(),
        verificationMethod: Type.Optional(Type.String()),
        consents: Type.Optional(
          Type.Object(
            {
              consentId: Type.Optional(NullableString),
              consTime: Type.Optional(NullableString),
              availableTime: Type.Optional(NullableString),
              ...Object.fromEntries(
                CONSENT_SCREENS.map((screen) => [screen, Type.Optional(Type.Boolean())]),
              ),
            },
            { additionalProperties: true },
          ),
        ),
        results: Type.Array(Type.Record(Type.String(), Type.Unknown())),
      },
      { additionalProperties: true },
    ),
    Type.Null(),
  ]),
});

export const ReaderParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const PlaceCardBody = Type.Object(
  {
    certificateSerial: Type.String({ minLength: 1, maxLength: 64 }),
    pin: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
  },
  { additionalProperties: false },
);

export const FaceBody = Type.Object(
  { similarity: Type.Number({ minimum: 0, maximum: 1 }) },
  { additionalProperties: false },
);

// The PIN format is judged by the state machine (INVALID_PIN_FORMAT), so any string gets there.
export const PinBody = Type.Object(
  {
    pin: Type.String({ maxLength: 16 }),
    on: Type.Optional(
      Type.Union([Type.Literal('device'), Type.Literal('terminal')], {
        description:
          "typed on the reader's pad or the terminal's screen; the model's own way when absent (a model without a pad refuses 'device')",
      }),
    ),
  },
  { additionalProperties: false },
);

export const CardParams = Type.Object({ serial: Type.String({ minLength: 1, maxLength: 64 }) });

export const UnlockBody = Type.Object(
  { newPin: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) },
  { additionalProperties: false },
);

export const CardStatusSchema = Type.Object({
  certificateSerial: Type.String(),
  pinTriesLeft: Type.Integer(),
  locked: Type.Boolean(),
});

export const VisualBody = Type.Object(
  { confirmed: Type.Boolean() },
  { additionalProperties: false },
);

export const ConsentsBody = Type.Object(
  Object.fromEntries(CONSENT_SCREENS.map((screen) => [screen, Type.Optional(Type.Boolean())])),
  { additionalProperties: false },
);

export const RegistrationBody = Type.Object(
  { accept: Type.Boolean() },
  { additionalProperties: false },
);

export const SettingsBody = Type.Object(
  {
    faceThreshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    enabledConsents: Type.Optional(
      Type.Array(Type.Union(CONSENT_SCREENS.map((screen) => Type.Literal(screen))), {
        uniqueItems: true,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
