// The conformance suite: golden request/answer pairs (test/conformance/*.json, each naming the
// public facts it encodes) sent to the app as JSON and as XML. Each answer must
//  - equal its golden file, element order included ('*' stands for any non-empty message text),
//  - pass core's schema checker in both forms (names, order, code tables, no empty values),
//  - be accepted by a client written the way public OQS client code reads answers (below).
// The golden files were written from the facts in docs/oqs-public-sources.md, not from our output.
import type {} from '@shikaku/db/testing/global-setup';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BULK_RESULT,
  checkMessage,
  fieldTable,
  orderedFromJson,
  readForm,
  SEARCH_REQUEST,
  SEARCH_RESPONSE,
  writeJson,
  writeXml,
} from '@shikaku/core/oqs-schema';
import { orderedFromXml, parseOqsXml } from '@shikaku/core/oqs-xml';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { beforeAll, expect, it } from 'vitest';
import {
  CLINIC_A,
  createFixture,
  type Fixture,
  seedQualifications,
} from '../src/testing/fixture.js';
import { GOLDEN_MEMBERS as MEMBERS } from './members.js';

const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const AUTH = '/oqs-api-pro/MSA12020/ILI12020SV01/auth';
const folder = join(fileURLToPath(new URL('.', import.meta.url)), 'conformance');

interface GoldenCase {
  title: string;
  sources: string[];
  path?: string;
  request: { XmlMsg: Record<string, unknown> };
  status: number;
  answer: { XmlMsg: Record<string, unknown> };
}
const cases: Array<[string, GoldenCase]> = await Promise.all(
  (await readdir(folder))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map(
      async (n) =>
        [n, JSON.parse(await readFile(join(folder, n), 'utf8')) as GoldenCase] as [
          string,
          GoldenCase,
        ],
    ),
);

/** Golden `'*'`: any non-empty text (our own messages; the real 処理結果 messages are not public). */
function matchWildcards(actual: unknown, golden: unknown): unknown {
  if (golden === '*') return typeof actual === 'string' && actual !== '' ? '*' : actual;
  if (Array.isArray(golden) && Array.isArray(actual))
    return actual.map((a, i) => matchWildcards(a, golden[i]));
  if (
    golden &&
    typeof golden === 'object' &&
    actual &&
    typeof actual === 'object' &&
    !Array.isArray(actual)
  )
    return Object.fromEntries(
      Object.entries(actual).map(([k, v]) => [
        k,
        matchWildcards(v, (golden as Record<string, unknown>)[k]),
      ]),
    );
  return actual;
}

/**
 * Reads an answer the way public OQS client code does (docs/oqs-public-sources.md §1–§5): the
 * header's SegmentOfResult, the body's ProcessingResultStatus, QualificationValidity from its
 * table, ResultList as an array of wrappers, and per result the fields a client builds its
 * insurance record from — refusing a result without InsuredCardValidDate.
 */
function publicClientRead(message: unknown): { ok: boolean; validity?: string; records: number } {
  const xmlMsg = (message as { XmlMsg?: Record<string, Record<string, unknown>> }).XmlMsg;
  if (!xmlMsg?.MessageHeader || !xmlMsg.MessageBody) throw new Error('object expected (XmlMsg)');
  const body = xmlMsg.MessageBody;
  if (typeof body.ProcessingResultStatus !== 'string')
    throw new Error('ProcessingResultStatus expected');
  for (const key of Object.keys(body)) if (body[key] === '') throw new Error(`Invalid ${key}`);
  if (body.ProcessingResultStatus !== '1') return { ok: false, records: 0 };
  const validity = body.QualificationValidity;
  if (validity !== undefined && !['1', '2', '3', '4', '5', '6'].includes(validity as string))
    throw new Error('Invalid QualificationValidity');
  const list = body.ResultList ?? [];
  if (!Array.isArray(list)) throw new Error('array expected (ResultList)');
  for (const item of list) {
    const r = (item as { ResultOfQualificationConfirmation?: Record<string, unknown> })
      .ResultOfQualificationConfirmation;
    if (!r) throw new Error('ResultOfQualificationConfirmation expected');
    for (const key of ['InsuredCardClassification', 'Name', 'Sex1', 'Birthdate', 'InsurerName'])
      if (typeof r[key] !== 'string') throw new Error(`${key} expected`);
    if (typeof r.InsuredCardValidDate !== 'string')
      throw new Error('保険証の有効期限開始日がありません。');
    const ratio = r.InsuredPartialContributionRatio;
    if (ratio !== undefined && !/^0[123]0$/.test(ratio as string)) throw new Error('Invalid ratio');
  }
  return { ok: true, validity: validity as string | undefined, records: list.length };
}

describeEachDatabase('OQS conformance', ({ handle }) => {
  let f: Fixture;
  let idToken: string;

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), MEMBERS);
    const login = await f.app.inject({
      method: 'POST',
      url: AUTH,
      payload: f.credentials.get(CLINIC_A),
    });
    idToken = (login.json() as { result: { idToken: string } }).result.idToken;
  });

  it('has golden files, each naming its sources and conforming to the schema itself', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
    for (const [name, golden] of cases) {
      expect(golden.sources.length, name).toBeGreaterThan(0);
      expect(
        checkMessage(SEARCH_RESPONSE, orderedFromJson('XmlMsg', golden.answer.XmlMsg), 'json'),
        name,
      ).toEqual([]);
    }
  });

  /** Sends a golden request, as JSON or as the XML document of the same message. */
  const send = async (golden: GoldenCase, form: 'json' | 'xml') => {
    const response = await f.app.inject({
      method: 'POST',
      url: golden.path ?? SEARCH,
      headers: { authorization: idToken, 'content-type': `application/${form}` },
      payload:
        form === 'json' ? golden.request : writeXml(SEARCH_REQUEST, golden.request.XmlMsg as never),
    });
    expect(response.statusCode).toBe(golden.status);
    expect(response.headers['content-type']).toMatch(new RegExp(`application/${form}`));
    return response;
  };

  it.each(cases)(
    '%s: the JSON answer is the golden one, element order included',
    async (_name, golden) => {
      const response = await send(golden, 'json');
      const answer = JSON.parse(response.body) as { XmlMsg: unknown };
      expect(
        checkMessage(SEARCH_RESPONSE, orderedFromJson('XmlMsg', answer.XmlMsg), 'json'),
      ).toEqual([]);
      expect(JSON.stringify(matchWildcards(answer, golden.answer))).toBe(
        JSON.stringify(golden.answer),
      );
      const read = publicClientRead(answer);
      expect(read.ok).toBe(
        golden.answer.XmlMsg.MessageBody !== undefined &&
          (golden.answer.XmlMsg.MessageBody as Record<string, string>).ProcessingResultStatus ===
            '1',
      );
    },
  );

  it.each(cases)(
    '%s: the XML answer carries the same message in the layout order',
    async (_name, golden) => {
      const response = await send(golden, 'xml');
      expect(checkMessage(SEARCH_RESPONSE, orderedFromXml(response.body)!, 'xml')).toEqual([]);
      const parsed = parseOqsXml(response.body);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      // The JSON form of what the XML says (an empty list is written in JSON only).
      const asJson = writeJson(SEARCH_RESPONSE, readForm(SEARCH_RESPONSE, parsed.value.XmlMsg)!);
      expect(JSON.stringify(matchWildcards(asJson, golden.answer))).toBe(
        JSON.stringify(golden.answer),
      );
    },
  );

  it('a framework rejection (body over the limit) is an XmlMsg with a stable code', async () => {
    const response = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/json' },
      payload: `{"XmlMsg":"${'x'.repeat(100_000)}"}`,
    });
    expect(response.statusCode).toBe(413);
    const answer = JSON.parse(response.body) as {
      XmlMsg: { MessageHeader: Record<string, string> };
    };
    expect(answer.XmlMsg.MessageHeader.ErrorCode).toBe('PAYLOAD_TOO_LARGE');
    expect(checkMessage(SEARCH_RESPONSE, orderedFromJson('XmlMsg', answer.XmlMsg), 'json')).toEqual(
      [],
    );
  });

  it('a bulk result lists every match per unit and conforms in both forms', async () => {
    const auth = { authorization: `Bearer ${await f.token()}` };
    const submitted = await f.app.inject({
      method: 'POST',
      url: '/v1/bulk-inquiries',
      headers: auth,
      payload: {
        confirmationDate: '2021-07-15',
        items: [
          {
            insurerNumber: '01130012',
            insuredCardSymbol: '2468',
            insuredIdentificationNumber: '4000',
            birthDate: '2015-05-05',
            arbitraryIdentifier: 'twins',
          },
          {
            insurerNumber: '01130013',
            insuredIdentificationNumber: '1',
            birthDate: '2000-01-01',
            arbitraryIdentifier: 'bad',
          },
        ],
      },
    });
    const { receptionNumber } = submitted.json() as { receptionNumber: string };
    let status = 'accepted';
    for (let i = 0; i < 200 && status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (
        await f.app.inject({
          method: 'GET',
          url: `/v1/bulk-inquiries/${receptionNumber}`,
          headers: auth,
        })
      ).json().status;
    }
    const json = await f.app.inject({
      method: 'GET',
      url: `/v1/bulk-inquiries/${receptionNumber}/result`,
      headers: auth,
    });
    const message = JSON.parse(json.body) as {
      XmlMsg: {
        MessageHeader: Record<string, string>;
        MessageBody: { BulkConfirmUnit: Array<Record<string, unknown>> };
      };
    };
    expect(checkMessage(BULK_RESULT, orderedFromJson('XmlMsg', message.XmlMsg), 'json')).toEqual(
      [],
    );
    // Header in the layout order (docs/oqs-public-sources.md §8).
    expect(Object.keys(message.XmlMsg.MessageHeader)).toEqual([
      'ProcessExecutionTime',
      'QualificationConfirmationDate',
      'MedicalInstitutionCode',
      'ReceptionNumber',
      'SegmentOfResult',
      'NumberOfProcessingResult',
      'NumberOfNormalProcessing',
      'NumberOfError',
      'CharacterCodeIdentifier',
    ]);
    const [twins, bad] = message.XmlMsg.MessageBody.BulkConfirmUnit;
    expect(twins).toMatchObject({
      QualificationValidity: '5',
      QualificationConfirmSearchInfo: { ArbitraryIdentifier: 'twins' },
    });
    expect((twins!.ResultOfQualificationConfirmation as unknown[]).length).toBe(2);
    expect(bad).toMatchObject({
      ProcessingResultStatus: '2',
      ProcessingResultCode: 'INVALID_INSURER_NUMBER',
    });
    expect(bad).not.toHaveProperty('QualificationValidity');
    const xml = await f.app.inject({
      method: 'GET',
      url: `/v1/bulk-inquiries/${receptionNumber}/result`,
      headers: { ...auth, accept: 'application/xml' },
    });
    expect(checkMessage(BULK_RESULT, orderedFromXml(xml.body)!, 'xml')).toEqual([]);
    expect(xml.body.match(/<ResultOfQualificationConfirmation>/g)).toHaveLength(2);
  });
});

/** A markdown table's cells without the padding a formatter adds. */
const cells = (markdown: string | undefined) =>
  (markdown ?? '').split('\n').map((line) =>
    line
      .split('|')
      .map((cell) => cell.trim().replace(/^-+$/, '---'))
      .join('|'),
  );

it('docs/eligibility-api.md carries the field table written from the schema', async () => {
  const docs = await readFile(join(folder, '../../../../docs/eligibility-api.md'), 'utf8');
  const table = /<!-- field-table:start -->\s*([\s\S]*?)\s*<!-- field-table:end -->/.exec(
    docs,
  )?.[1];
  expect(cells(table)).toEqual(
    cells(
      [
        `### 照会 (request)\n\n${fieldTable(SEARCH_REQUEST)}`,
        `### 結果 (answer, OQSsiquc01res)\n\n${fieldTable(SEARCH_RESPONSE)}`,
        `### 一括照会結果 (OQSmuquc02res)\n\n${fieldTable(BULK_RESULT)}`,
      ].join('\n\n'),
    ),
  );
});
