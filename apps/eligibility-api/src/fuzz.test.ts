// Every route of eligibility-api gets generated bad input (docs/decisions.md, "Fuzzing every
// route"): no 5xx, a stable code on every 4xx (the XmlMsg ErrorCode under /oqs-api-pro), nothing
// stored by a rejected request. `pnpm --filter @shikaku/eligibility-api fuzz -- --runs 2000`.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowCounts } from '@shikaku/db/testing/row-counts';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import {
  anyString,
  type FuzzFailure,
  FUZZ_TIMEOUT_MS,
  fuzzRoute,
  fuzzRuns,
  fuzzTargets,
} from '@shikaku/platform/testing/fuzz';
import type { EligibilityConfig } from './config.js';
import { SPEC_PREFIX } from './routes/spec.js';
import {
  createFixture,
  type Fixture,
  seedQualifications,
  snapshot,
  TEST_SECRETS,
} from './testing/fixture.js';

const FUZZ_RUNS_CI = 15;

const FIELDS = [
  'insurerNumber',
  'insuredCardSymbol',
  'insuredIdentificationNumber',
  'insuredBranchNumber',
  'birthDate',
  'confirmationDate',
  'certificateSerial',
  'items',
  'clientId',
  'clientSecret',
];

/** Search messages (JSON and XML) with generated values, and XML a parser must refuse. */
const specBody = fc.oneof(
  fc
    .record({
      QualificationConfirmationDate: anyString,
      MedicalInstitutionCode: anyString,
      InsurerNumber: anyString,
      InsuredCardSymbol: anyString,
      InsuredIdentificationNumber: anyString,
      InsuredBranchNumber: anyString,
      Birthdate: fc.oneof(anyString, fc.constantFrom('20210230', '00000101', '20211301')),
    })
    .chain(({ QualificationConfirmationDate, MedicalInstitutionCode, ...search }) =>
      fc.constantFrom(
        {
          contentType: 'application/json',
          body: JSON.stringify({
            XmlMsg: {
              MessageHeader: { QualificationConfirmationDate, MedicalInstitutionCode },
              MessageBody: { QualificationConfirmSearchInfo: search },
            },
          }),
        },
        {
          contentType: 'application/xml',
          body: `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><QualificationConfirmationDate>${xmlText(QualificationConfirmationDate)}</QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo>${Object.entries(
            search,
          )
            .map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`)
            .join('')}</QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
        },
      ),
    ),
  fc.constantFrom(
    {
      contentType: 'application/xml',
      body: '<?xml version="1.0"?><!DOCTYPE XmlMsg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><XmlMsg>&b;</XmlMsg>',
    },
    { contentType: 'application/xml', body: `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}` },
    // Elements named __proto__ or constructor are the known failure below, not generated here.
    { contentType: 'application/json', body: '{"XmlMsg":{"__proto__":{"MessageBody":1}}}' },
    { contentType: 'application/json', body: '{"clientId":"\\u0000","clientSecret":"\\ud800"}' },
  ),
);

function xmlText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}

describeEachDatabase('eligibility-api fuzz', ({ handle }) => {
  let f: Fixture;
  let token = '';
  beforeAll(async () => {
    // Load shedding off (a bound of 0): a busy test machine must not turn the fuzz into 503s.
    const noShedding = {
      loadShedding: {
        maxInFlight: 0,
        maxDbWaiting: 0,
        maxEventLoopDelayMs: 0,
        retryAfterSeconds: 1,
      },
    } as unknown as Partial<EligibilityConfig>;
    f = await createFixture(handle(), noShedding);
    await seedQualifications(handle(), [{ personRef: 'P-hanako', qualification: snapshot() }]);
    f.upstream.cards.set('SERIAL-1', {
      personRef: 'P-hanako',
      myNumber: '123456789018',
      status: 'valid',
    });
    token = await f.token();
  });
  afterAll(() => f.app.close());

  it(
    'answers generated bad input on every route with no 5xx, a code, nothing stored',
    async () => {
      const targets = fuzzTargets(f.app);
      expect(targets.length).toBeGreaterThan(10);
      const failures: FuzzFailure[] = [];
      for (const route of targets) {
        const { failure } = await fuzzRoute(f.app, route, {
          runs: fuzzRuns(FUZZ_RUNS_CI),
          headers: (r): Record<string, string> => {
            // A second per case: the rate limits never stand between the fuzz and the route.
            f.monotonic.ms += 1_000;
            if (r.url.startsWith(SPEC_PREFIX)) return { authorization: token };
            if (r.url.startsWith('/v1/internal'))
              return { 'x-service-key': TEST_SECRETS.serviceKey };
            if (r.url.startsWith('/v1/citizen')) return { 'x-certificate-serial': 'SERIAL-1' };
            return { authorization: `Bearer ${token}` };
          },
          vocabulary: FIELDS,
          rawBodies: (r) => (r.url.startsWith(SPEC_PREFIX) ? specBody : null),
          // The access log is written in batches after the answer: not per request.
          stored: () => rowCounts(handle(), ['eligibility'], ['eligibility.access_log']),
        });
        if (failure) failures.push(failure);
      }
      console.info(
        `fuzz: ${targets.length} routes × ${fuzzRuns(FUZZ_RUNS_CI)} cases, ${failures.length} failing`,
      );
      expect(failures).toEqual([]);
    },
    FUZZ_TIMEOUT_MS,
  );

  // An element named __proto__ or constructor once made fast-xml-parser throw through core's
  // parseOqsXml (a 500); it is refused before parsing now.
  for (const name of ['__proto__', 'constructor'])
    it(`answers XML with a ${name} element below 500`, async () => {
      const response = await f.app.inject({
        method: 'POST',
        url: `${SPEC_PREFIX}/MSA01030/ILI01030SV01/search`,
        headers: { authorization: token, 'content-type': 'application/xml' },
        payload: `<XmlMsg><${name}><x>1</x></${name}></XmlMsg>`,
      });
      expect(response.statusCode).toBeLessThan(500);
    });
});
