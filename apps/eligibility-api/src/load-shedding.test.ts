// Overload: past the in-flight bound every route answers 503 OVERLOADED with Retry-After, in its
// own shape (an XmlMsg under /oqs-api-pro); liveness answers regardless, readiness says 503.
// Deterministic: a J-LIS call held open keeps one request in flight (no timing).
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { parseOqsXml } from '@shikaku/core/oqs-xml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { CLINIC_A, createFixture, type Fixture } from './testing/fixture.js';

const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const searchBody = {
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20210715' },
    MessageBody: {
      QualificationConfirmSearchInfo: {
        InsurerNumber: '01130012',
        InsuredIdentificationNumber: '5678',
        Birthdate: '19890913',
      },
    },
  },
};

describeEachDatabase('eligibility-api load shedding', ({ handle }) => {
  let f: Fixture;
  let idToken: string;

  beforeAll(async () => {
    f = await createFixture(handle(), {
      loadShedding: { ...DEFAULT_CONFIG.loadShedding, maxInFlight: 1, retryAfterSeconds: 3 },
    });
    idToken = await f.token(CLINIC_A);
  });
  afterAll(async () => {
    await f.app.close();
  });

  it('refuses new work while the bound is reached, in each route shape, and recovers', async () => {
    let release: () => void = () => undefined;
    f.upstream.jlis.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = f.app.inject({
      method: 'POST',
      url: '/v1/card-registrations',
      headers: { authorization: `Bearer ${idToken}` },
      payload: { certificateSerial: 'SERIAL-HELD' },
    });
    for (let i = 0; i < 100; i += 1) {
      if ((await f.app.inject('/ready')).statusCode === 503) break;
      await new Promise((resolve) => setImmediate(resolve));
    }

    const ready = await f.app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'OVERLOADED', reason: 'inFlight' });
    const health = await f.app.inject('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });

    const spec = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/json' },
      payload: searchBody,
    });
    expect(spec.statusCode).toBe(503);
    expect(spec.headers['retry-after']).toBe('3');
    expect(spec.json()).toMatchObject({
      XmlMsg: {
        MessageHeader: { SegmentOfResult: '9', ErrorCode: 'OVERLOADED' },
        MessageBody: { ProcessingResultStatus: '2' },
      },
    });

    const xml = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/xml' },
      payload: '<XmlMsg/>',
    });
    expect(xml.statusCode).toBe(503);
    expect(xml.headers['content-type']).toMatch(/xml/);
    const parsed = parseOqsXml(xml.body);
    expect(parsed.ok && JSON.stringify(parsed.value)).toContain('OVERLOADED');

    const rest = await f.app.inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${idToken}` },
      payload: {
        insurerNumber: '01130012',
        insuredIdentificationNumber: '5678',
        birthDate: '1989-09-13',
      },
    });
    expect(rest.statusCode).toBe(503);
    expect(rest.headers['retry-after']).toBe('3');
    expect(rest.json()).toMatchObject({ code: 'OVERLOADED' });

    release();
    f.upstream.jlis.hold = undefined;
    // SERIAL-HELD is unknown to the fake J-LIS: the held request finishes with its own answer.
    expect((await held).json()).toMatchObject({ code: 'CARD_NOT_REGISTERED' });
    let after = await f.app.inject('/ready');
    for (let i = 0; i < 100 && after.statusCode !== 200; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      after = await f.app.inject('/ready');
    }
    expect(after.json()).toMatchObject({ ready: true, inFlight: 0 });
    const admitted = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/json' },
      payload: searchBody,
    });
    expect(admitted.statusCode).toBe(200);
  });
});
