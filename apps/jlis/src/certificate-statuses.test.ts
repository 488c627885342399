import { upsertCertificates } from '@shikaku/db/jlis/residents';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { FaultInjector } from './faults.js';
import { HANAKO, seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';

describeEachDatabase('jlis certificate statuses in one exchange', ({ handle }) => {
  let app: FastifyInstance;
  let draws: number[] = [];
  const faults = new FaultInjector(TEST_CONFIG.faults, () => draws.shift() ?? 0.99);

  beforeAll(async () => {
    await seedHanako(handle(), 'BATCH-VALID-0001');
    await upsertCertificates(
      handle(),
      [
        { serial: 'BATCH-REVOKED-01', myNumber: HANAKO.myNumber, status: 'revoked' },
        { serial: 'BATCH-EXPIRED-01', myNumber: HANAKO.myNumber, status: 'expired' },
      ],
      TEST_CLOCK.now(),
    );
    app = await buildApp(TEST_CONFIG, {
      handle: handle(),
      clock: TEST_CLOCK,
      logger: createLogger({ name: 'jlis', level: 'silent' }),
      faults,
    });
  });
  afterAll(() => app.close());

  const ask = (payload: unknown, key = 'svc') =>
    app.inject({
      method: 'POST',
      url: '/v1/certificates/statuses',
      headers: { 'x-service-key': key },
      payload: payload as object,
    });

  it('answers one status per asked serial, in the order asked, unknown for a serial it does not know, never the My Number', async () => {
    const serials = [
      'BATCH-UNKNOWN-01',
      'BATCH-REVOKED-01',
      'BATCH-VALID-0001',
      'BATCH-EXPIRED-01',
      'BATCH-VALID-0001',
    ];
    const response = await ask({ serials });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      statuses: [
        { serial: 'BATCH-UNKNOWN-01', status: 'unknown' },
        { serial: 'BATCH-REVOKED-01', status: 'revoked' },
        { serial: 'BATCH-VALID-0001', status: 'valid' },
        { serial: 'BATCH-EXPIRED-01', status: 'expired' },
        { serial: 'BATCH-VALID-0001', status: 'valid' },
      ],
    });
    expect(response.body).not.toContain(HANAKO.myNumber);
  });

  it('answers as many as it is asked, up to 100, the same as the one-serial route', async () => {
    const serials = Array.from({ length: 100 }, (_, i) =>
      i % 3 === 0 ? 'BATCH-VALID-0001' : i % 3 === 1 ? 'BATCH-REVOKED-01' : `BATCH-NONE-${i}`,
    );
    const response = await ask({ serials });
    expect(response.statusCode).toBe(200);
    const statuses = (response.json() as { statuses: { serial: string; status: string }[] })
      .statuses;
    expect(statuses.map((s) => s.serial)).toEqual(serials);
    for (const [i, serial] of serials.entries()) {
      const one = await app.inject({
        method: 'GET',
        url: `/v1/certificates/${serial}/status`,
        headers: { 'x-service-key': 'svc' },
      });
      const expected =
        one.statusCode === 404 ? 'unknown' : (one.json() as { status: string }).status;
      expect(statuses[i]?.status).toBe(expected);
    }
  });

  it.each([
    ['no serials', {}, 'serials', 'REQUIRED'],
    ['serials not a list', { serials: { first: 'BATCH-VALID-0001' } }, 'serials', 'TYPE'],
    ['an empty list', { serials: [] }, 'serials', 'MINITEMS'],
    ['101 serials', { serials: Array.from({ length: 101 }, () => 'S') }, 'serials', 'MAXITEMS'],
    ['a serial over 64 characters', { serials: ['S', 'x'.repeat(65)] }, 'serials.1', 'MAXLENGTH'],
    ['an empty serial', { serials: [''] }, 'serials.0', 'MINLENGTH'],
    ['a serial that is not a string', { serials: ['S', { serial: 'S' }] }, 'serials.1', 'TYPE'],
  ])(
    'refuses %s: 400 VALIDATION_FAILED with the field and the reason',
    async (_, body, field, reason) => {
      const response = await ask(body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field, reason });
    },
  );

  it('refuses callers without the service key', async () => {
    for (const key of ['wrong', 'ctl']) {
      const response = await ask({ serials: ['BATCH-VALID-0001'] }, key);
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('fails the whole exchange under injected faults: down, and by error rate (one draw a request)', async () => {
    const body = { serials: ['BATCH-VALID-0001', 'BATCH-REVOKED-01'] };
    faults.update({ down: true });
    try {
      const down = await ask(body);
      expect(down.statusCode).toBe(503);
      expect(down.json().code).toBe('JLIS_UNAVAILABLE');
    } finally {
      faults.update({ down: false });
    }
    faults.update({ errorRate: 0.5 });
    try {
      draws = [0.1, 0.9];
      expect((await ask(body)).statusCode).toBe(503);
      expect((await ask(body)).statusCode).toBe(200);
      expect(draws).toEqual([]);
    } finally {
      faults.update({ errorRate: 0 });
    }
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/v1/certificates/statuses'].post.summary).toMatch(/in order/);
  });
});
