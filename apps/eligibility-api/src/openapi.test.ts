// /docs documents every operation (issue #14): a summary and a described response per status.
import { createTestDatabase, type TestDatabase } from '@shikaku/db/testing/test-database';
import { undocumentedOperations } from '@shikaku/platform/openapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
