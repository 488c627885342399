import { Type } from 'typebox';
import { ErrorBodySchema } from '@shikaku/platform/errors';

export const ErrorBody = Type.Object(
  {
    ...ErrorBodySchema.properties,
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String(),
          field: Type.String(),
          reason: Type.String(),
          message: Type.String(),
        }),
      ),
    ),
  },
  { additionalProperties: true },
);

const Text = (description: string) => Type.String({ description, maxLength: 200 });

/** A registration as the insurer sends it; dates ISO (YYYY-MM-DD) or 和暦 (H1.9.13). */
export const RegistrationBody = Type.Object({
  myNumber: Text('個人番号, 12 digits'),
  insurerNumber: Type.Optional(Text('must be the authenticated insurer when given')),
  cardSymbol: Type.Optional(Type.Union([Text('記号; none on 後期高齢者 cards'), Type.Null()])),
  cardNumber: Text('番号'),
  branchNumber: Type.Optional(Text('枝番, two digits; 00 when absent')),
  cardClassification: Type.Optional(Text('InsuredCardClassification, default 01')),
  personalFamily: Type.Optional(Text('1 本人, 2 家族')),
  name: Text('漢字氏名'),
  nameKana: Text('カナ氏名 (full or half width)'),
  birthDate: Text('生年月日: YYYY-MM-DD or 和暦'),
  sex: Type.Optional(Text('1 male, 2 female, 3 unset')),
  address: Text('住所'),
  postNumber: Type.Optional(Text('郵便番号')),
  qualificationDate: Text('資格取得日'),
  disqualificationDate: Type.Optional(Type.Union([Text('資格喪失日'), Type.Null()])),
  reasonOfLoss: Type.Optional(
    Type.Union([Text('資格喪失事由: a code of OQSCD008 (01, 02, 03, 99)'), Type.Null()]),
  ),
  incomeClass: Type.Optional(Text('general | certain-income | active-equivalent')),
  cardIssuedOn: Type.Optional(Type.Union([Text('被保険者証交付年月日'), Type.Null()])),
  cardValidFrom: Type.Optional(
    Type.Union([Text('被保険者証有効開始年月日; qualificationDate when absent'), Type.Null()]),
  ),
  cardValidTo: Type.Optional(
    Type.Union([Text('被保険者証有効終了年月日, not before cardValidFrom'), Type.Null()]),
  ),
});

export const CheckStatus = Type.String({
  description:
    'unchecked | consistent | no-history | birth-date-mismatch | kana-mismatch | jlis-pending | jlis-verified | jlis-mismatch | jlis-not-found | confirmed',
});

export const RegistrationResult = Type.Object({
  qualificationId: Type.String(),
  checkStatus: CheckStatus,
  outcome: Type.String({ description: 'the core rule outcome code' }),
  rule: Type.Union([Type.String(), Type.Null()]),
  suspected: Type.Boolean(),
  blocked: Type.Boolean(),
  jlisQueued: Type.Boolean(),
  changed: Type.Boolean({ description: 'false when identical to what was stored' }),
});

export const Member = Type.Object({
  qualificationId: Type.String(),
  insurerNumber: Type.String(),
  cardSymbol: Type.Union([Type.String(), Type.Null()]),
  cardNumber: Type.String(),
  branchNumber: Type.String(),
  myNumber: Type.String(),
  name: Type.String(),
  nameKana: Type.String(),
  birthDate: Type.String(),
  sex: Type.String(),
  address: Type.String(),
  qualificationDate: Type.String(),
  disqualificationDate: Type.Union([Type.String(), Type.Null()]),
  cardIssuedOn: Type.Union([Type.String(), Type.Null()]),
  cardValidFrom: Type.Union([Type.String(), Type.Null()]),
  cardValidTo: Type.Union([Type.String(), Type.Null()]),
  registeredOn: Type.String(),
  checkStatus: CheckStatus,
  blocked: Type.Boolean(),
});

export const UploadReport = Type.Object({
  contentHash: Type.String(),
  format: Type.String(),
  totalLines: Type.Integer(),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  suspicions: Type.Integer(),
  jlisQueued: Type.Integer(),
  notifications: Type.Integer(),
  repeated: Type.Boolean(),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer(),
      code: Type.String(),
      field: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
      message: Type.String(),
    }),
  ),
  errorsTruncated: Type.Boolean(),
});

export const Notification = Type.Object({
  id: Type.Integer(),
  qualificationId: Type.String(),
  kind: Type.String(),
  message: Type.String(),
  source: Type.Union(
    [
      Type.Literal('registration'),
      Type.Literal('rematch'),
      Type.Literal('jlis'),
      Type.Literal('later-registration'),
    ],
    {
      description:
        "where the conflict came from: a registration of the same My Number, the periodic re-match, J-LIS, or (to the insurer that registered earlier) another insurer's later registration",
    },
  ),
  facts: Type.Array(Type.String(), {
    description: 'the facts that differ (name, kanaName, birthDate, sex, address)',
  }),
  createdAt: Type.String(),
  readAt: Type.Union([Type.String(), Type.Null()]),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
});

export const WebhookDelivery = Type.Object({
  id: Type.Integer(),
  notificationId: Type.Integer(),
  attempt: Type.Integer(),
  url: Type.String(),
  outcome: Type.String({ description: 'delivered, failed (tried again later) or abandoned' }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  attemptedAt: Type.String(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
});

export const QualificationSnapshot = Type.Object({
  qualificationId: Type.String(),
  insurerNumber: Type.String(),
  insurerName: Type.String(),
  insuredCardClassification: Type.String(),
  insuredCardSymbol: Type.Union([Type.String(), Type.Null()]),
  insuredIdentificationNumber: Type.String(),
  insuredBranchNumber: Type.String(),
  personalFamilyClassification: Type.String(),
  name: Type.String(),
  nameKana: Type.String(),
  sex: Type.String(),
  birthDate: Type.String(),
  address: Type.String(),
  postNumber: Type.String(),
  qualificationDate: Type.String(),
  disqualificationDate: Type.Union([Type.String(), Type.Null()]),
  reasonOfLoss: Type.Union([Type.String(), Type.Null()]),
  incomeClass: Type.String(),
  cardIssuedOn: Type.Union([Type.String(), Type.Null()]),
  cardValidFrom: Type.Union([Type.String(), Type.Null()]),
  cardValidTo: Type.Union([Type.String(), Type.Null()]),
});

/** QualificationEvent (packages/core/src/qualification-event.ts): no My Number, ever. */
export const QualificationEvent = Type.Object({
  sequence: Type.Integer(),
  eventId: Type.String(),
  type: Type.Literal('qualification.upserted'),
  occurredAt: Type.String(),
  personRef: Type.String(),
  qualification: QualificationSnapshot,
});

/** QualificationWithheldEvent: the qualification is withheld from viewing; no personal data. */
export const QualificationWithheldEvent = Type.Object({
  sequence: Type.Integer(),
  eventId: Type.String(),
  type: Type.Literal('qualification.withheld'),
  occurredAt: Type.String(),
  personRef: Type.String(),
  qualificationId: Type.String(),
});
