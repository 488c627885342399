import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { listAccessLogByPerson, listAllAccessLog } from '@shikaku/db/eligibility/access-log';
import { practitionerProofMessage, signPractitionerProof } from '@shikaku/core/practitioner-proof';
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { NONCE_SWEEP_CLOCK_MARGIN_MS } from '@shikaku/db/eligibility/practitioners';
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { DEFAULT_CONFIG } from '../config.js';
import {
  CLINIC_A,
  CLINIC_B,
  createFixture,
  type Fixture,
  MY_NUMBER,
  recordingInject,
  seedQualifications,
  snapshot,
  TEST_SECRETS,
} from '../testing/fixture.js';
import { createLogger } from '@shikaku/platform/logger';
import { PROOF_SKEW_MS } from './proof.js';

// Drug and checkup views need a registered practitioner's signed proof; every way of presenting a
// wrong one is refused with its own stable code, and the access log names who viewed.
describeEachDatabase('practitioner credentials', ({ handle, kind }) => {
  let f: Fixture;
  const { bodies, inject } = recordingInject(() => f.app);
  let consentId = '';
  let auth: { authorization: string };
  const drugUrl = () => `/v1/consents/${consentId}/drug-information`;
  const checkupUrl = () => `/v1/consents/${consentId}/checkup-information`;
  const refusals = new Map<string, number>();
  const refused = async (
    headers: Record<string, string>,
    code: string,
    status: number,
    url = drugUrl(),
  ) => {
    const response = await inject({ method: 'GET', url, headers: { ...auth, ...headers } });
    expect(response.json().code).toBe(code);
    expect(response.statusCode).toBe(status);
    refusals.set(code, (refusals.get(code) ?? 0) + 1);
    return response;
  };

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [{ personRef: 'p-hanako', qualification: snapshot() }]);
    f.upstream.cards.set('SERIAL-HANAKO', {
      personRef: 'p-hanako',
      myNumber: MY_NUMBER,
      status: 'valid',
    });
    auth = { authorization: `Bearer ${await f.token()}` };
    await inject({
      method: 'POST',
      url: '/v1/card-registrations',
      headers: auth,
      payload: { certificateSerial: 'SERIAL-HANAKO' },
    });
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/card-confirmations',
      headers: auth,
      payload: {
        certificateSerial: 'SERIAL-HANAKO',
        verificationMethod: 'face',
        consents: { pharmacists: true, specificHealthCheckups: true },
      },
    });
    consentId = confirmed.json().consents.consentId;
  });
  afterAll(async () => {
    await f?.app.close();
  });

  it('shows drug and checkup information to a registered doctor, dentist and pharmacist, and logs who viewed', async () => {
    for (const role of ['doctor', 'dentist', 'pharmacist']) {
      const practitioner = await f.practitioner(role);
      for (const url of [drugUrl(), checkupUrl()]) {
        const shown = await inject({
          method: 'GET',
          url,
          headers: { ...auth, ...practitioner.proof('GET', url) },
        });
        expect(shown.statusCode).toBe(200);
        expect(shown.json().items).toBeInstanceOf(Array);
      }
      const rows = (await listAllAccessLog(handle())) as Array<Record<string, unknown>>;
      const mine = rows.filter((r) => r.practitioner_id === practitioner.practitionerId);
      expect(mine.map((r) => [r.kind, r.practitioner_role, r.institution_code])).toEqual([
        ['drug-information', role, CLINIC_A],
        ['checkup-information', role, CLINIC_A],
      ]);
    }
    // The citizen's own access log names the role and the institution of each view; entries
    // that are not views name no practitioner.
    const own = await listAccessLogByPerson(handle(), 'p-hanako');
    const views = own.filter((e) => e.kind !== 'card-confirmation');
    expect(new Set(views.map((e) => `${e.practitioner?.role}@${e.institutionName}`))).toEqual(
      new Set(['doctor', 'dentist', 'pharmacist'].map((r) => `${r}@医院 ${CLINIC_A}`)),
    );
    expect(own.find((e) => e.kind === 'card-confirmation')?.practitioner).toBeUndefined();
  });

  it('refuses a nurse (a role that may view neither kind) with ROLE_NOT_ALLOWED', async () => {
    const nurse = await f.practitioner('nurse');
    await refused(nurse.proof('GET', drugUrl()), 'ROLE_NOT_ALLOWED', 403);
    await refused(nurse.proof('GET', checkupUrl()), 'ROLE_NOT_ALLOWED', 403, checkupUrl());
  });

  it('refuses a missing proof, and the old x-practitioner-role header alone, pointing at the docs', async () => {
    const bare = await refused({}, 'PRACTITIONER_CREDENTIAL_REQUIRED', 401);
    expect(bare.json().message).toContain('docs/practitioners.md');
    const legacy = await refused(
      { 'x-practitioner-role': 'doctor' },
      'PRACTITIONER_CREDENTIAL_REQUIRED',
      401,
    );
    expect(legacy.json().message).toContain('x-practitioner-role is no longer accepted');
  });

  it('refuses a forged signature, a proof for another request and a malformed header', async () => {
    const doctor = await f.practitioner('doctor');
    // Signed by a key that is not the registered one.
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await refused(
      signPractitionerProof(forger, {
        method: 'GET',
        path: drugUrl(),
        institutionCode: CLINIC_A,
        certificateSerial: doctor.certificateSerial,
        timestamp: new Date(f.wall.ms).toISOString(),
        nonce: 'forged-nonce-0000000001',
      }),
      'PRACTITIONER_SIGNATURE_INVALID',
      401,
    );
    // A genuine proof for the checkup view does not open the drug view.
    await refused(doctor.proof('GET', checkupUrl()), 'PRACTITIONER_SIGNATURE_INVALID', 401);
    const malformed = await refused(
      { ...doctor.proof('GET', drugUrl()), 'x-practitioner-nonce': 'short' },
      'PRACTITIONER_PROOF_MALFORMED',
      400,
    );
    expect(malformed.json()).toMatchObject({
      field: 'x-practitioner-nonce',
      reason: 'malformed',
    });
    const partial = doctor.proof('GET', drugUrl());
    delete partial['x-practitioner-signature'];
    const missing = await refused(partial, 'PRACTITIONER_PROOF_MALFORMED', 400);
    expect(missing.json()).toMatchObject({ field: 'x-practitioner-signature', reason: 'missing' });
  });

  it('accepts an ECDSA signature as WebCrypto gives it (r ‖ s) beside DER', async () => {
    const doctor = await f.practitioner('doctor');
    const fields = {
      method: 'GET',
      path: drugUrl(),
      institutionCode: CLINIC_A,
      certificateSerial: doctor.certificateSerial,
      timestamp: new Date(f.wall.ms).toISOString(),
      nonce: 'webcrypto-nonce-00000001',
    };
    const raw = sign('sha256', Buffer.from(practitionerProofMessage(fields)), {
      key: doctor.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    expect(raw.length).toBe(64);
    const shown = await inject({
      method: 'GET',
      url: drugUrl(),
      headers: {
        ...auth,
        ...signPractitionerProof(doctor.privateKey, fields),
        'x-practitioner-signature': raw.toString('base64url'),
      },
    });
    expect(shown.statusCode).toBe(200);
  });

  it('refuses a replayed nonce, on any instance, and a timestamp outside the skew', async () => {
    const doctor = await f.practitioner('doctor');
    const headers = doctor.proof('GET', drugUrl());
    expect(
      (await inject({ method: 'GET', url: drugUrl(), headers: { ...auth, ...headers } }))
        .statusCode,
    ).toBe(200);
    await refused(headers, 'PRACTITIONER_NONCE_REPLAYED', 401);
    // A second instance on the same database refuses it too: the nonce is in the database.
    const other = await secondInstance(f, handle());
    try {
      const again = await other.inject({
        method: 'GET',
        url: drugUrl(),
        headers: { ...auth, ...headers },
      });
      expect(again.json().code).toBe('PRACTITIONER_NONCE_REPLAYED');
      refusals.set(
        'PRACTITIONER_NONCE_REPLAYED',
        (refusals.get('PRACTITIONER_NONCE_REPLAYED') ?? 0) + 1,
      );
    } finally {
      await other.close();
    }
    const sixMinutes = 6 * 60_000;
    const stale = await refused(
      doctor.proof('GET', drugUrl(), { timestamp: new Date(f.wall.ms - sixMinutes).toISOString() }),
      'PRACTITIONER_PROOF_STALE',
      401,
    );
    expect(stale.json().serverTime).toBe(new Date(f.wall.ms).toISOString());
    await refused(
      doctor.proof('GET', drugUrl(), { timestamp: new Date(f.wall.ms + sixMinutes).toISOString() }),
      'PRACTITIONER_PROOF_STALE',
      401,
    );
    // Four minutes off either way is within the skew.
    for (const offset of [-4 * 60_000, 4 * 60_000]) {
      const within = await inject({
        method: 'GET',
        url: drugUrl(),
        headers: {
          ...auth,
          ...doctor.proof('GET', drugUrl(), {
            timestamp: new Date(f.wall.ms + offset).toISOString(),
          }),
        },
      });
      expect(within.statusCode).toBe(200);
    }
  });

  it('refuses a replay on an instance whose clock is behind one that swept since, by less than the margin', async () => {
    const doctor = await f.practitioner('doctor');
    // This instance accepts a proof near the end of its window: the nonce expires 10 s from now.
    const late = doctor.proof('GET', drugUrl(), {
      timestamp: new Date(f.wall.ms - PROOF_SKEW_MS + 10_000).toISOString(),
    });
    expect(
      (await inject({ method: 'GET', url: drugUrl(), headers: { ...auth, ...late } })).statusCode,
    ).toBe(200);
    // Another instance, its clock a minute less than the margin ahead, serves a proof and sweeps
    // the nonces expired by its clock.
    const aheadMs = NONCE_SWEEP_CLOCK_MARGIN_MS - 60_000;
    const ahead = await secondInstance(f, handle(), aheadMs);
    try {
      const timestamp = new Date(f.wall.ms + aheadMs).toISOString();
      const shown = await ahead.inject({
        method: 'GET',
        url: drugUrl(),
        headers: { ...auth, ...doctor.proof('GET', drugUrl(), { timestamp }) },
      });
      expect(shown.statusCode).toBe(200);
    } finally {
      await ahead.close();
    }
    // The proof is still inside this instance's window, and its nonce still recorded.
    await refused(late, 'PRACTITIONER_NONCE_REPLAYED', 401);
  });

  // Two instances are two pools on one database, each batching its own proofs' nonces: only the
  // primary key decides between them. PGlite is one handle in one process: PostgreSQL only.
  it.skipIf(kind === 'pglite')(
    'opens a view once when one proof reaches two instances (own pools) at once; the other is a replay',
    async () => {
      const doctor = await f.practitioner('doctor');
      const pool = await openDatabase({ url: handle().url!, poolSize: 4 });
      const other = await secondInstance(f, pool);
      try {
        for (let round = 0; round < 10; round++) {
          const request = {
            method: 'GET' as const,
            url: drugUrl(),
            headers: { ...auth, ...doctor.proof('GET', drugUrl()) },
          };
          const answers = await Promise.all([f.app.inject(request), other.inject(request)]);
          expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
          expect(answers.find((a) => a.statusCode === 401)!.json().code).toBe(
            'PRACTITIONER_NONCE_REPLAYED',
          );
        }
      } finally {
        await other.close();
        await pool.close();
      }
    },
  );

  it('refuses an expired or not yet valid certificate', async () => {
    const expiring = await f.practitioner('doctor', CLINIC_A, {
      validFrom: '2020-08-01T00:00:00Z',
      validTo: '2021-07-15T01:30:00Z',
    });
    const later = await f.practitioner('doctor', CLINIC_A, {
      validFrom: '2021-08-01T00:00:00Z',
      validTo: '2026-08-01T00:00:00Z',
    });
    await refused(later.proof('GET', drugUrl()), 'PRACTITIONER_CERTIFICATE_NOT_YET_VALID', 401);
    expect(
      (
        await inject({
          method: 'GET',
          url: drugUrl(),
          headers: { ...auth, ...expiring.proof('GET', drugUrl()) },
        })
      ).statusCode,
    ).toBe(200);
    // The certificate's validity follows the app's clock (the consent and token still last).
    f.clock.set(new Date('2021-07-15T01:30:00Z'));
    try {
      await refused(expiring.proof('GET', drugUrl()), 'PRACTITIONER_CERTIFICATE_EXPIRED', 401);
    } finally {
      f.clock.set(new Date('2021-07-15T01:00:00Z'));
    }
  });

  it('refuses a revoked practitioner at once, on every instance', async () => {
    const doctor = await f.practitioner('doctor');
    const other = await secondInstance(f, handle());
    try {
      // The other instance has served this practitioner before the revocation.
      const before = await other.inject({
        method: 'GET',
        url: drugUrl(),
        headers: { ...auth, ...doctor.proof('GET', drugUrl()) },
      });
      expect(before.statusCode).toBe(200);
      const revoked = await inject({
        method: 'DELETE',
        url: `/v1/practitioners/${doctor.practitionerId}`,
        headers: auth,
      });
      expect(revoked.statusCode).toBe(204);
      await refused(doctor.proof('GET', drugUrl()), 'PRACTITIONER_REVOKED', 401);
      const after = await other.inject({
        method: 'GET',
        url: drugUrl(),
        headers: { ...auth, ...doctor.proof('GET', drugUrl()) },
      });
      expect(after.json().code).toBe('PRACTITIONER_REVOKED');
      refusals.set('PRACTITIONER_REVOKED', (refusals.get('PRACTITIONER_REVOKED') ?? 0) + 1);
    } finally {
      await other.close();
    }
    // Revoking twice, or another institution's practitioner, finds nothing live.
    expect(
      (
        await inject({
          method: 'DELETE',
          url: `/v1/practitioners/${doctor.practitionerId}`,
          headers: auth,
        })
      ).statusCode,
    ).toBe(404);
  });

  it("refuses another institution's practitioner, and a proof made out for another institution", async () => {
    const atB = await f.practitioner('doctor', CLINIC_B);
    await refused(atB.proof('GET', drugUrl()), 'PRACTITIONER_OF_ANOTHER_INSTITUTION', 403);
    await refused(
      { ...atB.proof('GET', drugUrl()), 'x-practitioner-certificate': 'HPKI-NOBODY' },
      'PRACTITIONER_UNKNOWN',
      401,
    );
    // The same doctor registered at A too: a proof made out for B does not open A's view.
    const doctor = await f.practitioner('doctor');
    await refused(
      doctor.proof('GET', drugUrl(), { institutionCode: CLINIC_B }),
      'PRACTITIONER_SIGNATURE_INVALID',
      401,
    );
    // B's token with B's practitioner still cannot see A's consent (404, as before).
    const bAuth = { authorization: `Bearer ${await f.token(CLINIC_B)}` };
    const crossed = await inject({
      method: 'GET',
      url: drugUrl(),
      headers: { ...bAuth, ...atB.proof('GET', drugUrl()) },
    });
    expect(crossed.statusCode).toBe(404);
  });

  it('registers, lists and revokes through the portal (service key) and checks what it registers', async () => {
    const key = { 'x-service-key': TEST_SECRETS.serviceKey };
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const body = {
      name: '薬局 花子',
      role: 'pharmacist',
      certificateSerial: 'HPKI-PORTAL-1',
      publicKey: publicKey.export({ format: 'jwk' }),
      validFrom: '2021-04-01T00:00:00+09:00',
      validTo: '2026-03-31T23:59:59+09:00',
    };
    const url = `/v1/internal/institutions/${CLINIC_B}/practitioners`;
    const created = await inject({ method: 'POST', url, headers: key, payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      institutionCode: CLINIC_B,
      role: 'pharmacist',
      hcRole: 'Pharmacist',
      revokedAt: null,
    });
    const again = await inject({ method: 'POST', url, headers: key, payload: body });
    expect(again.json()).toMatchObject({
      code: 'PRACTITIONER_ALREADY_REGISTERED',
      field: 'certificateSerial',
    });
    const cases: Array<[Record<string, unknown>, string, string, string]> = [
      [{ publicKey: 'not a key' }, 'PRACTITIONER_KEY_INVALID', 'publicKey', 'unreadable'],
      [
        {
          publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 })
            .publicKey.export({ type: 'spki', format: 'pem' })
            .toString(),
        },
        'PRACTITIONER_KEY_INVALID',
        'publicKey',
        'unsupported-key',
      ],
      [{ validTo: '2021-03-31T00:00:00Z' }, 'VALIDATION_FAILED', 'validTo', 'before-valid-from'],
      [
        { validFrom: '2016-01-01T00:00:00Z', validTo: '2021-01-01T00:00:00Z' },
        'VALIDATION_FAILED',
        'validTo',
        'expired',
      ],
      [{ validFrom: '2021-04-01' }, 'VALIDATION_FAILED', 'validFrom', 'not-a-date-time'],
    ];
    for (const [change, code, field, reason] of cases) {
      const bad = await inject({
        method: 'POST',
        url,
        headers: key,
        payload: { ...body, certificateSerial: 'HPKI-PORTAL-2', ...change },
      });
      expect(bad.json()).toMatchObject({ code, field, reason });
    }
    const role = await inject({
      method: 'POST',
      url,
      headers: key,
      payload: { ...body, certificateSerial: 'HPKI-PORTAL-3', role: 'clerk' },
    });
    expect(role.json().code).toBe('VALIDATION_FAILED');
    const listed = await inject({ method: 'GET', url, headers: key });
    const ids = listed
      .json()
      .practitioners.map((p: { certificateSerial: string }) => p.certificateSerial);
    expect(ids).toContain('HPKI-PORTAL-1');
    expect(ids).not.toContain('HPKI-PORTAL-2');
    // A's token lists only A's practitioners.
    const own = await inject({ method: 'GET', url: '/v1/practitioners', headers: auth });
    expect(
      own
        .json()
        .practitioners.every((p: { institutionCode: string }) => p.institutionCode === CLINIC_A),
    ).toBe(true);
    const id = created.json().practitionerId as string;
    // A cannot revoke B's practitioner with its own token.
    expect(
      (await inject({ method: 'DELETE', url: `/v1/practitioners/${id}`, headers: auth }))
        .statusCode,
    ).toBe(404);
    expect((await inject({ method: 'DELETE', url: `${url}/${id}`, headers: key })).statusCode).toBe(
      204,
    );
    expect((await inject({ method: 'POST', url, payload: body })).statusCode).toBe(401);
    expect(
      (
        await inject({
          method: 'GET',
          url: '/v1/internal/institutions/9999999999/practitioners',
          headers: key,
        })
      ).json().code,
    ).toBe('UNKNOWN_INSTITUTION');
  });

  it("lists each registration with its public key's fingerprint, whatever the key's encoding", async () => {
    const key = { 'x-service-key': TEST_SECRETS.serviceKey };
    const url = `/v1/internal/institutions/${CLINIC_B}/practitioners`;
    // Computed here from the DER, not with the app's helper: SHA-256 of the SPKI, Base64.
    const fingerprintOf = (pem: string) =>
      createHash('sha256')
        .update(createPublicKey(pem).export({ type: 'spki', format: 'der' }))
        .digest('base64');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const ecPem = ec.export({ type: 'spki', format: 'pem' }).toString();
    const rsaPem = rsa.export({ type: 'spki', format: 'pem' }).toString();
    const body = (serial: string, publicKey: unknown) => ({
      name: '見本 医師',
      role: 'doctor',
      certificateSerial: serial,
      publicKey,
      validFrom: '2021-04-01T00:00:00+09:00',
      validTo: '2026-03-31T23:59:59+09:00',
    });
    // The EC key as a JWK, the RSA key as a PEM with CRLF line ends: the fingerprint is the key's.
    const registrations: Array<[string, unknown, string]> = [
      ['HPKI-FP-EC', ec.export({ format: 'jwk' }), fingerprintOf(ecPem)],
      ['HPKI-FP-RSA', rsaPem.replace(/\n/g, '\r\n'), fingerprintOf(rsaPem)],
    ];
    for (const [serial, publicKey, fingerprint] of registrations) {
      const created = await inject({
        method: 'POST',
        url,
        headers: key,
        payload: body(serial, publicKey),
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().publicKeyFingerprint).toBe(fingerprint);
    }
    expect(fingerprintOf(ecPem)).not.toBe(fingerprintOf(rsaPem));
    const listed = (await inject({ method: 'GET', url, headers: key })).json() as {
      practitioners: Array<Record<string, unknown>>;
    };
    for (const [serial, , fingerprint] of registrations) {
      const row = listed.practitioners.find((p) => p.certificateSerial === serial);
      // The existing fields stay; the fingerprint is added, and the key itself is not answered.
      expect(row).toMatchObject({
        certificateSerial: serial,
        name: '見本 医師',
        role: 'doctor',
        hcRole: 'Medical Doctor',
        institutionCode: CLINIC_B,
        revokedAt: null,
        publicKeyFingerprint: fingerprint,
      });
      expect(row).not.toHaveProperty('publicKey');
    }
  });

  it('counted every refusal by its code, and no answer carried the My Number', () => {
    expect(Object.fromEntries(refusals)).toEqual({
      ROLE_NOT_ALLOWED: 2,
      PRACTITIONER_CREDENTIAL_REQUIRED: 2,
      PRACTITIONER_SIGNATURE_INVALID: 3,
      PRACTITIONER_PROOF_MALFORMED: 2,
      PRACTITIONER_NONCE_REPLAYED: 3,
      PRACTITIONER_PROOF_STALE: 2,
      PRACTITIONER_CERTIFICATE_NOT_YET_VALID: 1,
      PRACTITIONER_CERTIFICATE_EXPIRED: 1,
      PRACTITIONER_REVOKED: 2,
      PRACTITIONER_OF_ANOTHER_INSTITUTION: 1,
      PRACTITIONER_UNKNOWN: 1,
    });
    // Every answer above was recorded (a run of this test alone must not pass on none).
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).not.toContain(MY_NUMBER);
  });
});

/**
 * Another instance of the app on the same database (its own caches, the same rows), its wall clock
 * `wallAheadMs` ahead of the fixture's.
 */
async function secondInstance(
  f: Fixture,
  handle: DatabaseHandle,
  wallAheadMs = 0,
): Promise<FastifyInstance> {
  return buildApp(
    {
      ...DEFAULT_CONFIG,
      loadShedding: { ...DEFAULT_CONFIG.loadShedding, maxEventLoopDelayMs: 0 },
      ...TEST_SECRETS,
    },
    {
      handle,
      clock: f.clock,
      logger: createLogger({ name: 'eligibility-api-2', level: 'silent' }),
      upstreams: {
        resolveCertificate: async () => undefined,
        certificateStatus: async () => 'unknown',
        fetchOutbox: async (after) => ({ events: [], next: after }),
      },
      seed: 7,
      monotonicMs: () => f.monotonic.ms,
      wallClockMs: () => f.wall.ms + wallAheadMs,
    },
  );
}
