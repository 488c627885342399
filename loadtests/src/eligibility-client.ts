import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import { signPractitionerProof } from '@shikaku/core/practitioner-proof';
import { seededRandom } from '@shikaku/core/seeded-random';
import type { LoadFixtures } from './fixtures.js';
import type { Route } from './profile.js';

/**
 * How each route of the mix talks to eligibility-api (its README is the contract): institutions
 * log in first, like a real client, then send requests with the idToken. Spec-style routes send
 * it as the bare `Authorization` value, REST routes as `Bearer`.
 */

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

export type Send = (request: HttpRequest) => Promise<HttpResult>;

export interface Iteration {
  route: Route;
  request: HttpRequest;
  /** null when the answer is a success, else a stable error type for the report. */
  classify(result: HttpResult): string | null;
}

export const PATHS = {
  specAuth: '/oqs-api-pro/MSA12020/ILI12020SV01/auth',
  specSearch: '/oqs-api-pro/MSA01030/ILI01030SV01/search',
  cardRegistrations: '/v1/card-registrations',
  cardConfirmations: '/v1/card-confirmations',
  bulkInquiries: '/v1/bulk-inquiries',
  drug: (consentId: string) => `/v1/consents/${encodeURIComponent(consentId)}/drug-information`,
  checkup: (consentId: string) =>
    `/v1/consents/${encodeURIComponent(consentId)}/checkup-information`,
} as const;

const compact = (isoDate: string) => isoDate.replaceAll('-', '');

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Error type of a REST answer: `http_<status>[_<CODE>]`. */
export function restErrorType(result: HttpResult): string | null {
  if (result.status >= 200 && result.status < 300) return null;
  const code = (parseJson(result.body) as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `http_${result.status}_${code}` : `http_${result.status}`;
}

type SpecAnswer = {
  XmlMsg?: { MessageHeader?: Record<string, string>; MessageBody?: Record<string, unknown> };
};

/**
 * Spec answers put message errors inside a 200: SegmentOfResult 9, or no qualification found.
 * The statuses of their own (401, 429, 503) are the same XmlMsg, the code in the header's
 * ErrorCode, so a refusal counts under its code as on the REST routes (`http_503_OVERLOADED`).
 */
export function specErrorType(result: HttpResult): string | null {
  if (result.status !== 200) {
    const code = (parseJson(result.body) as SpecAnswer | undefined)?.XmlMsg?.MessageHeader
      ?.ErrorCode;
    return typeof code === 'string' ? `http_${result.status}_${code}` : restErrorType(result);
  }
  const msg = (parseJson(result.body) as SpecAnswer | undefined)?.XmlMsg;
  if (!msg?.MessageHeader) return 'malformed_response';
  if (msg.MessageHeader.SegmentOfResult === '9')
    return `oqs_${msg.MessageHeader.ErrorCode ?? 'error'}`;
  // A load test whose fixtures do not match the stack measures the wrong path: count it.
  if (msg.MessageBody?.QualificationValidity === '4') return 'qualification_not_found';
  return null;
}

/** Runs `task` over `items`, `width` at a time (set-up calls: quick, but not a flood). */
async function inBatches<T>(
  items: T[],
  task: (item: T) => Promise<void>,
  width = 8,
): Promise<void> {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map(task));
  }
}

export class EligibilityClient {
  /** idToken per institution index. */
  private readonly tokens = new Map<number, string>();
  /** Consent ids given at each institution (drug/checkup views need one). */
  private readonly consents = new Map<number, string[]>();
  /** Each institution's practitioner key, imported once. */
  private readonly practitionerKeys = new Map<number, KeyObject>();
  private readonly random: () => number;
  private readonly confirmationDate: string;

  constructor(
    private readonly send: Send,
    private readonly fixtures: LoadFixtures,
    options: { seed: number; bulkItemsPerRequest: number; confirmationDate: string },
    private readonly bulkItems = options.bulkItemsPerRequest,
  ) {
    this.random = seededRandom(options.seed);
    this.confirmationDate = fixtures.confirmationDate ?? options.confirmationDate;
  }

  /** Logs every institution in; registers the cards and collects a consent per institution. */
  async prepare(): Promise<{ loggedIn: number; cardsRegistered: number; consents: number }> {
    const institutions = this.fixtures.institutions.map((_, i) => i);
    await inBatches(institutions, (i) => this.login(i));
    let cardsRegistered = 0;
    await inBatches([...this.fixtures.cards.entries()], async ([i, card]) => {
      const result = await this.send({
        method: 'POST',
        path: PATHS.cardRegistrations,
        headers: this.restHeaders(i % institutions.length),
        body: JSON.stringify({ certificateSerial: card.certificateSerial }),
      });
      // Already registered (a stack reused from an earlier run) is fine too.
      if (result.status < 300 || result.status === 409) cardsRegistered++;
    });
    let consents = 0;
    if (this.fixtures.cards.length > 0) {
      await inBatches(institutions, async (i) => {
        const iteration = this.cardConfirmation(i, i % this.fixtures.cards.length);
        const result = await this.send(iteration.request);
        if (iteration.classify(result) === null && this.consents.get(i)?.length) consents++;
      });
    }
    return { loggedIn: this.tokens.size, cardsRegistered, consents };
  }

  /**
   * One confirmation of the first insured person: null once the target answers it (the stack's
   * outbox relay has delivered the seeded population), else the error type.
   */
  async probe(): Promise<string | null> {
    if (!this.tokens.has(0)) await this.login(0);
    const iteration = this.insuranceCardConfirmation(0, 0);
    return iteration.classify(await this.send(iteration.request));
  }

  /** The institution's practitioner signs the view (docs/practitioners.md); none: no proof. */
  private practitionerProof(institution: number, path: string): Record<string, string> {
    const { institutionCode, practitioner } = this.fixtures.institutions[institution]!;
    if (!practitioner) return {};
    let key = this.practitionerKeys.get(institution);
    if (!key) {
      key = createPrivateKey({ key: practitioner.privateKeyJwk, format: 'jwk' });
      this.practitionerKeys.set(institution, key);
    }
    return signPractitionerProof(key, {
      method: 'GET',
      path,
      institutionCode,
      certificateSerial: practitioner.certificateSerial,
      timestamp: new Date().toISOString(),
      nonce: randomBytes(18).toString('base64url'),
    });
  }

  private async login(institution: number): Promise<void> {
    const credential = this.fixtures.institutions[institution]!;
    const result = await this.send({
      method: 'POST',
      path: PATHS.specAuth,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
      }),
    });
    const idToken = (parseJson(result.body) as { result?: { idToken?: unknown } } | undefined)
      ?.result?.idToken;
    if (result.status !== 200 || typeof idToken !== 'string') {
      throw new Error(
        `login failed for institution ${credential.institutionCode}: HTTP ${result.status}`,
      );
    }
    this.tokens.set(institution, idToken);
  }

  private restHeaders(institution: number): Record<string, string> {
    return {
      'content-type': 'application/json',
      authorization: `Bearer ${this.tokens.get(institution) ?? ''}`,
    };
  }

  private pick<T>(items: readonly T[]): [T, number] {
    const index = Math.floor(this.random() * items.length);
    return [items[index]!, index];
  }

  /** The next request of a route, from a random institution and a random insured person. */
  next(route: Route): Iteration {
    const [, institution] = this.pick(this.fixtures.institutions);
    switch (route) {
      case 'insurance-card-confirmation':
        return this.insuranceCardConfirmation(institution);
      case 'card-confirmation':
        if (this.fixtures.cards.length === 0) return this.insuranceCardConfirmation(institution);
        return this.cardConfirmation(institution, this.pick(this.fixtures.cards)[1]);
      case 'bulk-inquiry':
        return this.bulkInquiry(institution);
      case 'drug-view':
      case 'checkup-view':
        return this.view(route, institution);
    }
  }

  private insuranceCardConfirmation(institution: number, personIndex?: number): Iteration {
    const person =
      personIndex === undefined
        ? this.pick(this.fixtures.insured)[0]
        : this.fixtures.insured[personIndex]!;
    const info: Record<string, string> = {
      InsurerNumber: person.insurerNumber,
      InsuredIdentificationNumber: person.insuredIdentificationNumber,
      Birthdate: compact(person.birthDate),
      LimitApplicationCertificateRelatedConsFlg: '0',
    };
    if (person.insuredCardSymbol) info.InsuredCardSymbol = person.insuredCardSymbol;
    if (person.insuredBranchNumber) info.InsuredBranchNumber = person.insuredBranchNumber;
    return {
      route: 'insurance-card-confirmation',
      request: {
        method: 'POST',
        path: PATHS.specSearch,
        headers: {
          'content-type': 'application/json',
          authorization: this.tokens.get(institution) ?? '',
        },
        body: JSON.stringify({
          XmlMsg: {
            MessageHeader: {
              QualificationConfirmationDate: compact(this.confirmationDate),
              MedicalInstitutionCode: this.fixtures.institutions[institution]!.institutionCode,
            },
            MessageBody: { QualificationConfirmSearchInfo: info },
          },
        }),
      },
      classify: specErrorType,
    };
  }

  private cardConfirmation(institution: number, card: number): Iteration {
    return {
      route: 'card-confirmation',
      request: {
        method: 'POST',
        path: PATHS.cardConfirmations,
        headers: this.restHeaders(institution),
        body: JSON.stringify({
          certificateSerial: this.fixtures.cards[card]!.certificateSerial,
          verificationMethod: 'face',
          confirmationDate: this.confirmationDate,
          consents: { specificHealthCheckups: true, pharmacists: true },
        }),
      },
      classify: (result) => {
        const error = restErrorType(result);
        // eligibility-api answers `consents.consentId` (null when no consent was given).
        const answer = parseJson(result.body) as { consents?: { consentId?: unknown } } | undefined;
        const consentId = answer?.consents?.consentId;
        if (error === null && typeof consentId === 'string')
          this.rememberConsent(institution, consentId);
        return error;
      },
    };
  }

  private rememberConsent(institution: number, consentId: string): void {
    const list = this.consents.get(institution) ?? [];
    list.push(consentId);
    // Keep a bounded, recent set: consents expire after 24 hours.
    if (list.length > 32) list.shift();
    this.consents.set(institution, list);
  }

  private bulkInquiry(institution: number): Iteration {
    const items = Array.from({ length: this.bulkItems }, (_, i) => {
      const [person] = this.pick(this.fixtures.insured);
      return {
        insurerNumber: person.insurerNumber,
        ...(person.insuredCardSymbol ? { insuredCardSymbol: person.insuredCardSymbol } : {}),
        insuredIdentificationNumber: person.insuredIdentificationNumber,
        ...(person.insuredBranchNumber ? { insuredBranchNumber: person.insuredBranchNumber } : {}),
        birthDate: person.birthDate,
        arbitraryIdentifier: `lt${i}`,
      };
    });
    return {
      route: 'bulk-inquiry',
      request: {
        method: 'POST',
        path: PATHS.bulkInquiries,
        headers: this.restHeaders(institution),
        body: JSON.stringify({ items, confirmationDate: this.confirmationDate }),
      },
      classify: restErrorType,
    };
  }

  private view(route: 'drug-view' | 'checkup-view', institution: number): Iteration {
    const consents = this.consents.get(institution);
    // An institution with no consent yet views through one that has (the mix stays the same).
    const owner = consents?.length ? institution : [...this.consents.keys()][0];
    const list = owner === undefined ? undefined : this.consents.get(owner);
    const consentId = list?.length ? list[Math.floor(this.random() * list.length)]! : 'none';
    const path = route === 'drug-view' ? PATHS.drug(consentId) : PATHS.checkup(consentId);
    const headers = {
      ...this.restHeaders(owner ?? institution),
      ...this.practitionerProof(owner ?? institution, path),
    };
    return {
      route,
      request: { method: 'GET', path, headers },
      classify: restErrorType,
    };
  }
}
