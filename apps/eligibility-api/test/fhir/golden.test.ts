// The FHIR golden pairs (test/fhir/golden/*.json, each naming the public facts it encodes): every
// request is sent to the app and its answer must
//  - equal the golden answer (status and body),
//  - be valid FHIR R4 (JSON schema and StructureDefinitions) and meet the vendored JP Core subset,
//  - hold no My Number;
// and every golden request that is meant to be valid FHIR is checked the same way.
// FHIR_GOLDEN_RECORD=1 writes the answers of goldens whose answer is null (then review them).
import type {} from '@shikaku/db/testing/global-setup';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containsMyNumber } from '@shikaku/core/my-number-in-text';
import { listAccessLogByPerson } from '@shikaku/db/eligibility/access-log';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, expect, it } from 'vitest';
import {
  createFixture,
  type Fixture,
  MY_NUMBER,
  seedQualifications,
} from '../../src/testing/fixture.js';
import { GOLDEN_MEMBERS } from '../members.js';
import { checkFhir, checkR4Definitions, checkR4Schema } from './validate.js';

const SUBMIT = '/fhir/CoverageEligibilityRequest/$submit';
const folder = join(fileURLToPath(new URL('.', import.meta.url)), 'golden');
const record = process.env.FHIR_GOLDEN_RECORD === '1';

interface GoldenCase {
  title: string;
  sources: string[];
  method?: 'GET' | 'POST';
  path?: string;
  auth?: boolean;
  request?: Resource;
  status: number;
  answer: Resource | null;
}
const names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
const cases: Array<[string, GoldenCase]> = await Promise.all(
  names.map(
    async (n) =>
      [n, JSON.parse(await readFile(join(folder, n), 'utf8')) as GoldenCase] as [
        string,
        GoldenCase,
      ],
  ),
);

describeEachDatabase('FHIR golden pairs', (db) => {
  let fixture: Fixture;
  let token: string;
  beforeAll(async () => {
    await seedQualifications(db.handle(), GOLDEN_MEMBERS);
    // Compile the validators once, before any request (it holds the event loop for seconds).
    checkFhir({ resourceType: 'Basic', code: { text: 'warm-up' } } as Resource);
    fixture = await createFixture(db.handle());
    token = await fixture.token();
  });

  const send = (c: GoldenCase) =>
    fixture.app.inject({
      method: c.method ?? 'POST',
      url: c.path ?? SUBMIT,
      headers: {
        ...(c.auth === false ? {} : { authorization: `Bearer ${token}` }),
        ...(c.request ? { 'content-type': 'application/fhir+json' } : {}),
      },
      ...(c.request ? { payload: JSON.stringify(c.request) } : {}),
    });

  it.each(cases)('%s answers its golden', async (name, c) => {
    const response = await send(c);
    const body = response.json() as Resource;
    if (record && c.answer === null) {
      await writeFile(
        join(folder, name),
        `${JSON.stringify({ ...c, status: response.statusCode, answer: body }, null, 2)}\n`,
      );
      return;
    }
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect({ status: response.statusCode, body }).toEqual({ status: c.status, body: c.answer });
  });

  it.each(cases)(
    '%s: the answer is valid R4 + JP Core and holds no My Number',
    async (_name, c) => {
      const response = await send(c);
      expect(checkFhir(response.json() as Resource)).toEqual([]);
      expect(response.body).not.toContain(MY_NUMBER);
      expect(containsMyNumber(response.body)).toBe(false);
    },
  );

  it.each(cases.filter(([n, c]) => c.request && !n.startsWith('error-not-a-request')))(
    '%s: the request is valid FHIR R4',
    (_name, c) => {
      const request = c.request as Resource;
      expect([...checkR4Schema(request), ...checkR4Definitions(request)]).toEqual([]);
    },
  );

  it('POST /fhir/CoverageEligibilityRequest answers as $submit does, and the access log records it', async () => {
    const valid = cases.find(([n]) => n === 'valid.json')![1];
    const before = await listAccessLogByPerson(db.handle(), 'c-hanako');
    const viaCreate = await fixture.app.inject({
      method: 'POST',
      url: '/fhir/CoverageEligibilityRequest',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(valid.request),
    });
    expect(viaCreate.statusCode).toBe(200);
    expect(viaCreate.json()).toEqual(valid.answer);
    const after = await listAccessLogByPerson(db.handle(), 'c-hanako');
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({
      institutionCode: '0110113719',
      kind: 'confirmation',
      qualificationValidity: '1',
    });
  });
});
