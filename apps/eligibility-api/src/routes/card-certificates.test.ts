// A placed card's certificate (issue #14): the reader learns before any consent screen whether
// J-LIS knows the card, without the person being resolved or anything stored.
import { createTestDatabase, type TestDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFixture, type Fixture, MY_NUMBER } from '../testing/fixture.js';

let db: TestDatabase;
let f: Fixture;
let auth: { authorization: string };
beforeAll(async () => {
  db = await createTestDatabase('pglite', '');
  f = await createFixture(db.handle);
  f.upstream.cards.set('CERT-VALID', { personRef: 'p-1', myNumber: MY_NUMBER, status: 'valid' });
  f.upstream.cards.set('CERT-REVOKED', {
    personRef: 'p-2',
    myNumber: MY_NUMBER,
    status: 'revoked',
  });
  auth = { authorization: `Bearer ${await f.token()}` };
});
afterAll(async () => {
  await f.app.close();
  await db.cleanup();
});

const ask = (serial: string, headers: Record<string, string> = auth) =>
  f.app.inject({ method: 'GET', url: `/v1/card-certificates/${serial}`, headers });

it("answers a known certificate's status and where it came from", async () => {
  const valid = await ask('CERT-VALID');
  expect(valid.statusCode).toBe(200);
  expect(valid.json()).toMatchObject({
    certificateSerial: 'CERT-VALID',
    status: 'valid',
    source: 'jlis',
  });
  expect((await ask('CERT-REVOKED')).json()).toMatchObject({ status: 'revoked' });
});

it('refuses a serial J-LIS does not know with 404 and the field', async () => {
  const unknown = await ask('NO-SUCH-CERT');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', field: 'certificateSerial' });
  expect(unknown.body).not.toContain(MY_NUMBER);
});

it('needs an institution token, and answers 503 when J-LIS is down and nothing is held', async () => {
  expect((await ask('CERT-VALID', {})).statusCode).toBe(401);
  f.upstream.jlis.down = true;
  try {
    const down = await ask('NEVER-SEEN');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'CERTIFICATE_STATUS_UNAVAILABLE' });
  } finally {
    f.upstream.jlis.down = false;
  }
});
