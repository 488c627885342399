// /docs documents every operation (issue #14): a summary and a described response per status.
import { createTestDatabase, type TestDatabase } from '@shikaku/db/testing/test-database';
import { undocumentedOperations } from '@shikaku/platform/openapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ELIGIBILITY_ERROR_STATUS } from './errors.js';
import { createFixture, type Fixture } from './testing/fixture.js';

let db: TestDatabase;
let f: Fixture;
beforeAll(async () => {
  db = await createTestDatabase('pglite', '');
  f = await createFixture(db.handle);
});
afterAll(async () => {
  await f.app.close();
  await db.cleanup();
});

it('documents every operation with a summary and a described response per status', async () => {
  const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  expect(undocumentedOperations(doc)).toEqual([]);
});

it("names in a route's 429 only the codes that route answers: CHALLENGE_RATE_LIMITED on the sign-in challenge route alone", async () => {
  const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
  };
  const tooMany = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const description = operation.responses?.['429']?.description;
      return description === undefined ? [] : [{ route: `${method} ${path}`, description }];
    }),
  );
  const describedAs = (route: string) => tooMany.find((o) => o.route === route)?.description;
  expect(describedAs('post /v1/citizen/challenges')).toBe(
    'Too many requests (Retry-After) (CHALLENGE_RATE_LIMITED)',
  );
  expect(describedAs('post /v1/confirmations')).toBe(
    'Too many requests (Retry-After) (RATE_LIMITED)',
  );
  expect(
    tooMany.filter((o) => o.description.includes('CHALLENGE_RATE_LIMITED')).map((o) => o.route),
  ).toEqual(['post /v1/citizen/challenges']);
  // Every 429 code of the app's table is documented on some route.
  const named = new Set(
    tooMany.flatMap((o) => /\(([A-Z_, ]+)\)$/.exec(o.description)?.[1]?.split(', ') ?? []),
  );
  const tableCodes = Object.keys(ELIGIBILITY_ERROR_STATUS).filter(
    (code) => ELIGIBILITY_ERROR_STATUS[code] === 429,
  );
  expect(tableCodes.filter((code) => !named.has(code))).toEqual([]);
});
