// Builds the app on a test database with fake upstreams, a fixed clock and a captured log.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { signPractitionerProof } from '@shikaku/core/practitioner-proof';
import { type Clock } from '@shikaku/core/clock';
import type { QualificationEvent, QualificationSnapshot } from '@shikaku/core/qualification-event';
import type { DatabaseHandle } from '@shikaku/db/database';
import { applyOutboxPage } from '@shikaku/db/eligibility/qualifications';
import { AppError } from '@shikaku/platform/errors';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { DEFAULT_CONFIG, type EligibilityConfig, type EligibilitySecrets } from '../config.js';
import type { CertificateStatus, Upstreams } from '../upstream.js';

/** Explicit secrets for tests (the app has no default ones). */
export const TEST_SECRETS: EligibilitySecrets = {
  serviceKey: 'fixture-service-key-0123456789',
  tokenSecret: 'fixture-token-secret-0123456789',
};

export const CLINIC_A = '0110113719';
export const CLINIC_B = '1311234569';
/** A My Number the fake intermediate server holds: it must never come out of this app. */
export const MY_NUMBER = '123456789018';

export interface Fixture {
  app: FastifyInstance;
  logLines: string[];
  upstream: {
    /** certificate serial → { personRef, status }, with the My Number the fake insurer-api keeps. */
    cards: Map<string, { personRef: string; myNumber: string; status: CertificateStatus }>;
    outbox: QualificationEvent[];
    /**
     * J-LIS faults: `down` makes certificateStatus fail as httpUpstreams does when J-LIS cannot be
     * reached; `hold` keeps every status call waiting until it resolves (a request in flight).
     */
    jlis: { down: boolean; hold?: Promise<void> };
  };
  clock: { set(at: Date): void } & Clock;
  monotonic: { ms: number };
  /** The wall clock practitioner proofs' timestamps are measured on (epoch ms). */
  wall: { ms: number };
  /**
   * Registers a practitioner of `institutionCode` (through its own token) with a new P-256 key;
   * `proof(method, url)` gives the headers of a fresh proof (a new nonce each call).
   */
  practitioner(
    role: string,
    institutionCode?: string,
    validity?: { validFrom?: string; validTo?: string },
  ): Promise<TestPractitioner>;
  token(institutionCode?: string): Promise<string>;
  credentials: Map<string, { clientId: string; clientSecret: string }>;
}

export interface TestPractitioner {
  practitionerId: string;
  certificateSerial: string;
  institutionCode: string;
  privateKey: KeyObject;
  proof(
    method: string,
    url: string,
    overrides?: { timestamp?: string; nonce?: string; institutionCode?: string },
  ): Record<string, string>;
}

export function snapshot(overrides: Partial<QualificationSnapshot> = {}): QualificationSnapshot {
  return {
    qualificationId: 'q-hanako',
    insurerNumber: '01130012',
    insurerName: '全国健康保険協会 東京支部',
    insuredCardClassification: '01',
    insuredCardSymbol: '1234',
    insuredIdentificationNumber: '5678',
    insuredBranchNumber: '00',
    personalFamilyClassification: '1',
    name: '資格 花子',
    nameKana: 'シカク ハナコ',
    sex: '2',
    birthDate: '1989-09-13',
    address: '東京都千代田区千代田1-1',
    postNumber: '1000001',
    qualificationDate: '2020-04-01',
    disqualificationDate: null,
    reasonOfLoss: null,
    incomeClass: 'general',
    cardIssuedOn: '2020-04-03',
    cardValidFrom: '2020-04-01',
    cardValidTo: null,
    ...overrides,
  };
}

export async function createFixture(
  handle: DatabaseHandle,
  config: Partial<EligibilityConfig> = {},
  /** The wall clock's start (epoch ms); 2021-07-15T01:00:00Z, as the app's clock, by default. */
  wallMs = Date.parse('2021-07-15T01:00:00Z'),
): Promise<Fixture> {
  let now = new Date('2021-07-15T01:00:00Z');
  const clock = { now: () => new Date(now.getTime()), set: (at: Date) => (now = at) };
  const monotonic = { ms: 0 };
  const wall = { ms: wallMs };
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const cards = new Map<
    string,
    { personRef: string; myNumber: string; status: CertificateStatus }
  >();
  const outbox: QualificationEvent[] = [];
  const jlis: Fixture['upstream']['jlis'] = { down: false };
  const upstreams: Upstreams = {
    async resolveCertificate(serial) {
      const card = cards.get(serial);
      return card ? { personRef: card.personRef } : undefined;
    },
    async certificateStatus(serial) {
      await jlis.hold;
      if (jlis.down) throw new AppError('UPSTREAM_UNAVAILABLE', 'could not reach jlis');
      return cards.get(serial)?.status ?? 'unknown';
    },
    async fetchOutbox(after, limit) {
      const events = outbox.filter((e) => e.sequence > after).slice(0, limit);
      return { events, next: events.at(-1)?.sequence ?? after };
    },
  };
  // The event-loop-delay bound follows the machine's load, not the test: tests leave it off unless
  // they pass their own loadShedding (load-shedding.test.ts does).
  const fullConfig = {
    ...DEFAULT_CONFIG,
    loadShedding: { ...DEFAULT_CONFIG.loadShedding, maxEventLoopDelayMs: 0 },
    ...TEST_SECRETS,
    ...config,
  };
  const app = await buildApp(fullConfig, {
    handle,
    clock,
    logger: createLogger({ name: 'eligibility-api', level: 'debug', destination }),
    upstreams,
    seed: 7,
    monotonicMs: () => monotonic.ms,
    wallClockMs: () => wall.ms,
  });
  const credentials = new Map<string, { clientId: string; clientSecret: string }>();
  for (const [code, facilityType] of [
    [CLINIC_A, 'clinic'],
    [CLINIC_B, 'clinic'],
  ] as const) {
    const key = { 'x-service-key': fullConfig.serviceKey };
    await app.inject({
      method: 'POST',
      url: '/v1/internal/institutions',
      headers: key,
      payload: {
        institutionCode: code,
        facilityType,
        name: `医院 ${code}`,
        rateLimitPerSecond: 1000,
      },
    });
    const issued = await app.inject({
      method: 'POST',
      url: `/v1/internal/institutions/${code}/credentials`,
      headers: key,
    });
    credentials.set(code, issued.json());
  }
  const token = async (institutionCode = CLINIC_A) => {
    const credential = credentials.get(institutionCode);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: credential,
    });
    return (response.json() as { idToken: string }).idToken;
  };
  let practitioners = 0;
  let nonces = 0;
  return {
    app,
    logLines,
    upstream: { cards, outbox, jlis },
    clock,
    monotonic,
    wall,
    credentials,
    token,
    async practitioner(role, institutionCode = CLINIC_A, validity = {}) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      practitioners += 1;
      const certificateSerial = `HPKI-TEST-${practitioners}`;
      const registered = await app.inject({
        method: 'POST',
        url: '/v1/practitioners',
        headers: { authorization: `Bearer ${await token(institutionCode)}` },
        payload: {
          name: `医療 太郎${practitioners}`,
          role,
          certificateSerial,
          publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          validFrom: validity.validFrom ?? '2021-04-01T00:00:00Z',
          validTo: validity.validTo ?? '2026-03-31T15:00:00Z',
        },
      });
      if (registered.statusCode !== 201) throw new Error(`practitioner: ${registered.body}`);
      const practitionerId = (registered.json() as { practitionerId: string }).practitionerId;
      return {
        practitionerId,
        certificateSerial,
        institutionCode,
        privateKey,
        proof(method, url, overrides = {}) {
          nonces += 1;
          return signPractitionerProof(privateKey, {
            method,
            path: url,
            institutionCode: overrides.institutionCode ?? institutionCode,
            certificateSerial,
            timestamp: overrides.timestamp ?? new Date(wall.ms).toISOString(),
            nonce: overrides.nonce ?? `test-nonce-${String(nonces).padStart(8, '0')}`,
          });
        },
      };
    },
  };
}

let sequence = 0;
/** Stores qualifications the way the outbox relay does. */
export async function seedQualifications(
  handle: DatabaseHandle,
  items: Array<{ personRef: string; qualification: QualificationSnapshot }>,
): Promise<void> {
  const events: QualificationEvent[] = items.map((item) => {
    sequence += 1;
    return {
      sequence,
      eventId: `seed-${sequence}`,
      type: 'qualification.upserted',
      occurredAt: '2021-07-01T00:00:00Z',
      personRef: item.personRef,
      qualification: item.qualification,
    };
  });
  await applyOutboxPage(handle, 'test-seed', events, sequence, new Date('2021-07-01T00:00:00Z'));
}

/**
 * `app.inject` that keeps every body the app answered, so a test can prove no My Number left it.
 * `app` is read at each call: fixtures are made in beforeAll, after this is set up.
 */
export function recordingInject(app: () => FastifyInstance): {
  bodies: string[];
  inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
} {
  const bodies: string[] = [];
  const inject = async (options: InjectOptions) => {
    const response = await app().inject(options);
    bodies.push(response.body);
    return response;
  };
  return { bodies, inject };
}
