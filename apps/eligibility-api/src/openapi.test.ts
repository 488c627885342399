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
  expect(describedAs('post /oqs-api-pro/MSA01030/ILI01030SV01/search')).toMatch(
    /\(RATE_LIMITED\)$/,
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

it("names in a route's 401 only the codes its credential can answer", async () => {
  const doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
  };
  const unauthorized = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const description = operation.responses?.['401']?.description ?? '';
      const codes = /\(([A-Z_, ]+)\)$/.exec(description)?.[1]?.split(', ');
      return codes ? [{ method, path, codes }] : [];
    }),
  );
  const codesOf = (route: string) =>
    unauthorized.find((o) => `${o.method} ${o.path}` === route)?.codes;
  expect(codesOf('post /v1/auth/token')).toEqual(['INVALID_CREDENTIALS', 'CREDENTIAL_REVOKED']);
  expect(codesOf('post /v1/confirmations')).toEqual(['UNAUTHENTICATED', 'CREDENTIAL_REVOKED']);
  // The spec search answers its errors as an XmlMsg; these keep their HTTP status.
  expect(codesOf('post /oqs-api-pro/MSA01030/ILI01030SV01/search')).toEqual([
    'UNAUTHENTICATED',
    'CREDENTIAL_REVOKED',
  ]);
  expect(codesOf('post /v1/internal/institutions')).toEqual(['UNAUTHENTICATED']);
  expect(codesOf('get /v1/internal/institutions/{code}/practitioners')).toEqual([
    'UNAUTHENTICATED',
  ]);
  expect(codesOf('post /v1/citizen/sessions')).toEqual([
    'CHALLENGE_INVALID',
    'CHALLENGE_EXPIRED',
    'SIGNATURE_INVALID',
  ]);
  expect(codesOf('get /v1/citizen/qualifications')).toEqual(['SESSION_REQUIRED']);
  // Asking for a challenge takes no credential.
  expect(codesOf('post /v1/citizen/challenges')).toBeUndefined();
  // The citizen's codes only on citizen routes, the practitioner proof's only where one is read.
  const routesNaming = (code: string) =>
    unauthorized.filter((o) => o.codes.includes(code)).map((o) => `${o.method} ${o.path}`);
  for (const code of ['CHALLENGE_INVALID', 'SESSION_REQUIRED'])
    expect(routesNaming(code).every((route) => route.includes(' /v1/citizen/'))).toBe(true);
  expect(routesNaming('PRACTITIONER_PROOF_STALE')).toEqual(['get /v1/consents/{consentId}/{kind}']);
  // Every 401 code of the app's table is documented on some route.
  const named = new Set(unauthorized.flatMap((o) => o.codes));
  const tableCodes = Object.keys(ELIGIBILITY_ERROR_STATUS).filter(
    (code) => ELIGIBILITY_ERROR_STATUS[code] === 401,
  );
  expect(tableCodes.filter((code) => !named.has(code))).toEqual([]);

  // What each route answers without a credential is among the codes it names.
  const answered: string[] = [];
  for (const { method, path, codes } of unauthorized) {
    const response = await f.app.inject({
      method: method.toUpperCase() as 'GET',
      url: path.replace('{kind}', 'drug-information').replace(/\{[^}]+\}/g, '0110113719'),
      ...(method === 'post' ? { payload: {} } : {}),
    });
    if (response.statusCode !== 401) continue;
    // The spec routes answer an XmlMsg, the code in its ProcessingResultCode.
    const body = response.json() as {
      code?: string;
      XmlMsg?: { MessageBody: { ProcessingResultCode: string } };
    };
    const code = body.code ?? body.XmlMsg?.MessageBody.ProcessingResultCode;
    answered.push(`${method} ${path}`);
    expect(codes, `${method} ${path} answered ${code}`).toContain(code);
  }
  // Every GET and DELETE route with a credential refuses a request without one (a POST may
  // refuse its empty body first).
  expect(answered).toEqual(
    expect.arrayContaining(
      unauthorized.filter((o) => o.method !== 'post').map((o) => `${o.method} ${o.path}`),
    ),
  );
});
