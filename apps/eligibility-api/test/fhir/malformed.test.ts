// A valid golden request with one element (at any depth) replaced by arbitrary JSON: the answer is
// never a 5xx; a 4xx is an OperationOutcome with a stable code; a 200 is a response that passes
// the R4 schema. Seeded, so a failure reproduces.
import type {} from '@shikaku/db/testing/global-setup';
import { readFile } from 'node:fs/promises';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { errorCodeOf } from '@shikaku/platform/testing/fuzz';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { createFixture, type Fixture, seedQualifications } from '../../src/testing/fixture.js';
import { GOLDEN_MEMBERS } from '../members.js';
import { checkR4Schema } from './validate.js';

const base = JSON.parse(
  await readFile(new URL('golden/valid-limit-certificate-bundle.json', import.meta.url), 'utf8'),
).request as unknown;

/** Every path to a value in the JSON (objects and arrays included). */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

function replaced(value: unknown, path: Array<string | number>, by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head as string] = replaced(copy[head as string], rest, by);
  return copy;
}

const ALL_PATHS = paths(base);

describeEachDatabase('FHIR $submit with one element replaced by arbitrary JSON', (db) => {
  let fixture: Fixture;
  let token: string;
  beforeAll(async () => {
    await seedQualifications(db.handle(), GOLDEN_MEMBERS);
    fixture = await createFixture(db.handle());
    token = await fixture.token();
  });

  it('never answers 5xx; a rejection is a coded OperationOutcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL_PATHS),
        fc.oneof(fc.jsonValue(), fc.constantFrom(null, [], {}, '', 0, true, [null], [1])),
        async (path, by) => {
          fixture.monotonic.ms += 1_000;
          const response = await fixture.app.inject({
            method: 'POST',
            url: '/fhir/CoverageEligibilityRequest/$submit',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
            payload: JSON.stringify(replaced(base, path, by)),
          });
          expect(response.statusCode, response.body).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
            expect(errorCodeOf(response.body)).not.toBeNull();
          } else {
            expect(checkR4Schema(response.json())).toEqual([]);
          }
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });
});
