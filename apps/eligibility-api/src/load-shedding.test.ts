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

// The in-flight bound alone: a busy test machine's event-loop delay must not refuse.
const IN_FLIGHT_BOUND_OF_ONE = {
  ...DEFAULT_CONFIG.loadShedding,
  maxInFlight: 1,
  maxEventLoopDelayMs: 0,
  retryAfterSeconds: 3,
};

describeEachDatabase('eligibility-api load shedding', ({ handle }) => {
  let f: Fixture;
  let idToken: string;

  beforeAll(async () => {
    f = await createFixture(handle(), { loadShedding: IN_FLIGHT_BOUND_OF_ONE });
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

describeEachDatabase('eligibility-api load shedding before routing', ({ handle }) => {
  let f: Fixture;
  let idToken: string;
  let base = '';

  beforeAll(async () => {
    f = await createFixture(handle(), { loadShedding: IN_FLIGHT_BOUND_OF_ONE });
    idToken = await f.token(CLINIC_A);
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const address = f.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await f.app.close();
  });

  const search = (contentType = 'application/json') =>
    fetch(`${base}${SEARCH}`, {
      method: 'POST',
      headers: { authorization: idToken, 'content-type': contentType },
      body: contentType.includes('xml') ? '<XmlMsg/>' : JSON.stringify(searchBody),
    });

  it('a held request fills the bound: the next ones get 503 OVERLOADED + Retry-After before routing, /health answers', async () => {
    let release: () => void = () => undefined;
    f.upstream.jlis.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const held = fetch(`${base}/v1/card-registrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ certificateSerial: 'SERIAL-HELD' }),
      });
      const ready = async () => (await fetch(`${base}/ready`)).status;
      for (let i = 0; i < 500 && (await ready()) !== 503; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await ready()).toBe(503);

      // Each shape's first refusal is written by its scope's error handler, the rest are its
      // kept bytes: the same answer, in the spec shape, with the stable code and Retry-After.
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        const refused = await search();
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('3');
        answers.push(await refused.json());
      }
      expect(answers[0]).toMatchObject({
        XmlMsg: {
          MessageHeader: { SegmentOfResult: '9', ErrorCode: 'OVERLOADED' },
          MessageBody: { ProcessingResultStatus: '2' },
        },
      });
      expect(answers[2]).toEqual(answers[0]);
      const xml = await search('application/xml');
      expect(xml.status).toBe(503);
      expect(xml.headers.get('content-type')).toMatch(/xml/);
      expect(await xml.text()).toContain('OVERLOADED');
      const rest = await fetch(`${base}/v1/confirmations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          insurerNumber: '01130012',
          insuredIdentificationNumber: '5678',
          birthDate: '1989-09-13',
        }),
      });
      expect(rest.status).toBe(503);
      expect(rest.headers.get('retry-after')).toBe('3');
      expect(await rest.json()).toMatchObject({ code: 'OVERLOADED' });

      const snapshot = (await (await fetch(`${base}/ready`)).json()) as Record<string, unknown>;
      expect(snapshot).toMatchObject({ code: 'OVERLOADED', reason: 'inFlight' });

      // Liveness answers while everything else is refused.
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });

      release();
      expect((await (await held).json()) as unknown).toMatchObject({
        code: 'CARD_NOT_REGISTERED',
      });
      for (let i = 0; i < 500 && (await ready()) !== 200; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 5));
      const after = (await (await fetch(`${base}/ready`)).json()) as Record<string, unknown>;
      // Two searches of the JSON shape came from the kept bytes (the first went through the app).
      expect(after).toMatchObject({ ready: true, inFlight: 0, shedPreSerialised: 2 });
      expect((await search()).status).toBe(200);
    } finally {
      release();
      f.upstream.jlis.hold = undefined;
    }
  });
});
