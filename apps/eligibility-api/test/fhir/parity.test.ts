// The FHIR path and the OQS path give the same answer for every member of a seeded synthetic
// sample: the same QualificationValidity (or the same error code), the same number of
// qualifications, and the FHIR answer never holds the member's My Number. The members come from
// @shikaku/synth's population; a seeded share of them is changed so that every validity occurs
// (lost, lost with a newer qualification on another card, a wrong birth date, twins searched
// without the 枝番). FHIR_PARITY_SAMPLE sets the sample size: 1,000 in `pnpm test` and CI (the two paths cost
// about 30 ms of CPU a member on PGlite), 10,000 with `pnpm --filter @shikaku/eligibility-api
// test:fhir-parity`.
import type {} from '@shikaku/db/testing/global-setup';
import { addDays } from '@shikaku/core/dates';
import type { QualificationSnapshot } from '@shikaku/core/qualification-event';
import { seededRandom } from '@shikaku/core/seeded-random';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { generatePopulation, type SyntheticPerson } from '@shikaku/synth/population';
import { beforeAll, expect, it } from 'vitest';
import { createFixture, type Fixture, seedQualifications } from '../../src/testing/fixture.js';
import { SHIKAKU } from '../../src/fhir/systems.js';

const SAMPLE = Number(process.env.FHIR_PARITY_SAMPLE ?? 1_000);
const SEED = 20_260_417;
const AS_OF = '2025-06-01';
const CONCURRENCY = 32;

interface Case {
  person: SyntheticPerson;
  /** What the clinic sends: maybe a wrong birth date, maybe no 枝番. */
  search: {
    insurerNumber: string;
    symbol: string | null;
    number: string;
    branch: string | undefined;
    birthDate: string;
  };
}

/** The sample's qualifications (no My Number) and one search per member. */
function buildSample(): {
  stored: Array<{ personRef: string; qualification: QualificationSnapshot }>;
  cases: Case[];
} {
  const random = seededRandom(SEED);
  const stored: Array<{ personRef: string; qualification: QualificationSnapshot }> = [];
  const cases: Case[] = [];
  for (const person of generatePopulation({ seed: SEED, size: SAMPLE, asOf: AS_OF })) {
    const personRef = `syn-${person.index}`;
    const base: QualificationSnapshot = {
      qualificationId: `syn-q-${person.index}`,
      insurerNumber: person.insurerNumber,
      insurerName: '合成保険者',
      insuredCardClassification: '01',
      insuredCardSymbol: person.insuredCardSymbol,
      insuredIdentificationNumber: person.insuredIdentificationNumber,
      insuredBranchNumber: person.insuredBranchNumber,
      personalFamilyClassification: person.personalFamilyClassification,
      name: person.name,
      nameKana: person.nameKana,
      sex: String(person.sex) as QualificationSnapshot['sex'],
      birthDate: person.birthDate,
      address: person.address,
      postNumber: person.postNumber,
      qualificationDate: person.qualificationDate,
      disqualificationDate: null,
      reasonOfLoss: null,
      incomeClass: person.incomeClass === 'active-equivalent' ? 'active-equivalent' : 'general',
      cardIssuedOn: person.cardIssuedOn,
      cardValidFrom: person.cardValidFrom,
      cardValidTo: person.cardValidTo,
    };
    const roll = random();
    if (roll < 0.15 && person.qualificationDate < AS_OF) {
      // Lost before the confirmation date; half of them insured again under another card (3).
      stored.push({
        personRef,
        qualification: { ...base, disqualificationDate: AS_OF, reasonOfLoss: '03' },
      });
      if (random() < 0.5)
        stored.push({
          personRef,
          qualification: {
            ...base,
            qualificationId: `syn-q-${person.index}-new`,
            insuredIdentificationNumber: `${person.insuredIdentificationNumber}9`,
            qualificationDate: AS_OF,
          },
        });
    } else {
      stored.push({ personRef, qualification: base });
    }
    const wrongBirth = random() < 0.05;
    const noBranch = random() < 0.3;
    cases.push({
      person,
      search: {
        insurerNumber: person.insurerNumber,
        symbol: person.insuredCardSymbol,
        number: person.insuredIdentificationNumber,
        branch: noBranch ? undefined : person.insuredBranchNumber,
        birthDate: wrongBirth ? addDays(person.birthDate, 1) : person.birthDate,
      },
    });
  }
  return { stored, cases };
}

const compact = (iso: string) => iso.replaceAll('-', '');

function oqsRequest(c: Case) {
  const s = c.search;
  return {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: compact(AS_OF) },
      MessageBody: {
        QualificationConfirmSearchInfo: {
          InsurerNumber: s.insurerNumber,
          ...(s.symbol ? { InsuredCardSymbol: s.symbol } : {}),
          InsuredIdentificationNumber: s.number,
          ...(s.branch ? { InsuredBranchNumber: s.branch } : {}),
          Birthdate: compact(s.birthDate),
        },
      },
    },
  };
}

function fhirRequest(c: Case) {
  const s = c.search;
  const ext = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_';
  return {
    resourceType: 'CoverageEligibilityRequest',
    contained: [
      { resourceType: 'Patient', id: 'pat', birthDate: s.birthDate },
      {
        resourceType: 'Organization',
        id: 'ins',
        identifier: [
          {
            system: 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber',
            value: s.insurerNumber,
          },
        ],
      },
      {
        resourceType: 'Coverage',
        id: 'cov',
        extension: [
          ...(s.symbol ? [{ url: `${ext}InsuredPersonSymbol`, valueString: s.symbol }] : []),
          { url: `${ext}InsuredPersonNumber`, valueString: s.number },
          ...(s.branch ? [{ url: `${ext}InsuredPersonSubNumber`, valueString: s.branch }] : []),
        ],
        status: 'active',
        beneficiary: { reference: '#pat' },
        payor: [{ reference: '#ins' }],
      },
    ],
    status: 'active',
    purpose: ['validation'],
    patient: { reference: '#pat' },
    servicedDate: AS_OF,
    created: `${AS_OF}T09:00:00+09:00`,
    insurer: { reference: '#ins' },
    insurance: [{ coverage: { reference: '#cov' } }],
  };
}

interface Outcome {
  validity: string | null;
  error: string | null;
  results: number;
}

describeEachDatabase(`FHIR and OQS paths agree on ${SAMPLE} synthetic members`, (db) => {
  let fixture: Fixture;
  let sample: ReturnType<typeof buildSample>;
  beforeAll(async () => {
    sample = buildSample();
    // In pages, as the outbox relay applies them (one page of 10,000 is too big for PGlite).
    for (let from = 0; from < sample.stored.length; from += 1_000)
      await seedQualifications(db.handle(), sample.stored.slice(from, from + 1_000));
    fixture = await createFixture(db.handle());
  });

  it('gives the same validity, error code and result count for every member', async () => {
    const token = await fixture.token();
    const oqs = async (c: Case): Promise<Outcome> => {
      const response = await fixture.app.inject({
        method: 'POST',
        url: '/oqs-api-pro/MSA01030/ILI01030SV01/search',
        headers: { authorization: token, 'content-type': 'application/json' },
        payload: oqsRequest(c),
      });
      const body = (
        response.json() as {
          XmlMsg: { MessageHeader: Record<string, string>; MessageBody: Record<string, unknown> };
        }
      ).XmlMsg;
      return {
        validity: (body.MessageBody.QualificationValidity as string | undefined) ?? null,
        error: body.MessageHeader.ErrorCode ?? null,
        results: ((body.MessageBody.ResultList as unknown[] | undefined) ?? []).length,
      };
    };
    const fhir = async (c: Case): Promise<Outcome & { body: string }> => {
      const response = await fixture.app.inject({
        method: 'POST',
        url: '/fhir/CoverageEligibilityRequest/$submit',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        payload: fhirRequest(c),
      });
      const resource = response.json() as {
        resourceType: string;
        extension?: Array<{ url: string; valueCoding?: { code?: string } }>;
        insurance?: unknown[];
        issue?: Array<{ details?: { coding?: Array<{ code?: string }> } }>;
      };
      const validity =
        resource.extension?.find((e) => e.url === SHIKAKU.qualificationValidityExtension)
          ?.valueCoding?.code ?? null;
      return {
        validity,
        error: resource.issue?.[0]?.details?.coding?.[0]?.code ?? null,
        results: resource.insurance?.length ?? 0,
        body: response.body,
      };
    };

    const seen = new Map<string, number>();
    const mismatches: string[] = [];
    for (let from = 0; from < sample.cases.length; from += CONCURRENCY) {
      // The rate limiter sees a second pass per batch (its clock is the fixture's).
      fixture.monotonic.ms += 1_000;
      const batch = sample.cases.slice(from, from + CONCURRENCY);
      const answers = await Promise.all(
        batch.map(async (c) => [c, await oqs(c), await fhir(c)] as const),
      );
      for (const [c, a, b] of answers) {
        const key = a.validity ?? `error ${a.error}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (
          a.validity !== b.validity ||
          a.results !== b.results ||
          (a.error !== null) !== (b.error !== null) ||
          (a.error !== null && a.error !== b.error)
        )
          mismatches.push(
            `member ${c.person.index}: OQS ${JSON.stringify(a)} FHIR ${JSON.stringify({ ...b, body: undefined })}`,
          );
        if (b.body.includes(c.person.myNumber))
          mismatches.push(`member ${c.person.index}: My Number in the FHIR answer`);
      }
    }
    console.log(`parity sample ${SAMPLE}: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The sample exercises every validity the rule can answer.
    for (const validity of ['1', '2', '3', '4', '5'])
      expect(seen.get(validity) ?? 0).toBeGreaterThan(0);
  });
});
