/**
 * The hand-off from the intermediate server (insurer-api) to the eligibility system: one event per
 * change of a member's qualification, published through insurer-api's durable outbox.
 *
 * It carries a pseudonymous `personRef` (the intermediate server's per-person reference, like the
 * real system's 機関別符号) and never the My Number: the My Number stays inside the intermediate
 * server and J-LIS. Events carry the full current state of one qualification, so consuming one is
 * an idempotent upsert keyed by `qualificationId`, and a consumer that saw a later `sequence`
 * ignores an earlier one.
 */
export interface QualificationEvent {
  /** Monotonic position in the outbox; consumers resume after the last one they stored. */
  sequence: number;
  /** Unique id of the event (idempotency). */
  eventId: string;
  type: 'qualification.upserted';
  /** ISO instant the change was recorded. */
  occurredAt: string;
  personRef: string;
  qualification: QualificationSnapshot;
}

/**
 * A qualification withheld from viewing (閲覧停止): under the 2024 rule a registration whose facts
 * do not match J-LIS is not shown to institutions until the insurer fixes it or confirms it with
 * a reason. The eligibility side stops serving the qualification at once; the next
 * `qualification.upserted` event for it (the fix or the confirmation) serves it again. It carries
 * no personal data. Only consumers that ask for it get it (`include=withheld` on the outbox
 * endpoint); a consumer that does not ask sees the sequence gap it always saw.
 */
export interface QualificationWithheldEvent {
  sequence: number;
  eventId: string;
  type: 'qualification.withheld';
  occurredAt: string;
  personRef: string;
  qualificationId: string;
}

/** Every event of the qualification outbox. */
export type QualificationOutboxEvent = QualificationEvent | QualificationWithheldEvent;

/** The qualification an outbox event is about. */
export function outboxEventQualificationId(event: QualificationOutboxEvent): string {
  return event.type === 'qualification.withheld'
    ? event.qualificationId
    : event.qualification.qualificationId;
}

/** One qualification (資格) as the eligibility side needs it: what a confirmation returns. */
export interface QualificationSnapshot {
  /** Stable id of this qualification in the intermediate server. */
  qualificationId: string;
  insurerNumber: string;
  insurerName: string;
  /** OQSCD: 1 被保険者証, … (see the code tables). */
  insuredCardClassification: string;
  /** 記号; null for 後期高齢者 cards, which have none. */
  insuredCardSymbol: string | null;
  /** 番号 */
  insuredIdentificationNumber: string;
  /** 枝番, two digits as a string (leading zeros kept). */
  insuredBranchNumber: string;
  /** 1 本人 (self), 2 家族 (family). */
  personalFamilyClassification: '1' | '2';
  name: string;
  /** Full-width katakana; responses convert to half-width. */
  nameKana: string;
  /** 1 male, 2 female, 3 unset. */
  sex: '1' | '2' | '3';
  /** YYYY-MM-DD */
  birthDate: string;
  address: string;
  postNumber: string;
  /** YYYY-MM-DD the qualification was acquired. */
  qualificationDate: string;
  /** YYYY-MM-DD it was lost, or null while current. */
  disqualificationDate: string | null;
  /** OQSCD008 reason of loss code ('01', '02', '03', '99'), or null. */
  reasonOfLoss: string | null;
  /**
   * YYYY-MM-DD the insurance card was issued (被保険者証交付年月日, InsuredCertificateIssuanceDate),
   * or null when the insurer did not give it. Events written before the field existed lack it: a
   * consumer reads a missing key as null, as for the two dates below.
   */
  cardIssuedOn: string | null;
  /**
   * YYYY-MM-DD the card is valid from (被保険者証有効開始年月日, InsuredCardValidDate). The
   * intermediate server defaults it to qualificationDate; null only on registrations stored
   * before the field existed.
   */
  cardValidFrom: string | null;
  /**
   * YYYY-MM-DD the card is valid to, inclusive (被保険者証有効終了年月日, InsuredCardExpirationDate),
   * or null when the card has no end date.
   */
  cardValidTo: string | null;
  /** Income class for the copay rule: general, 一定以上所得 (75+), 現役並み所得. */
  incomeClass: 'general' | 'certain-income' | 'active-equivalent';
}
