// The schema's checker judged against the facts in docs/oqs-public-sources.md (public client parsers and
// sample answers): a conformant answer passes, each shape a real client refuses is reported.
import { describe, expect, it } from 'vitest';
import {
  BULK_RESULT,
  checkMessage,
  type ConformanceProblem,
  type ElementSpec,
  type GroupSpec,
  messageJsonSchema,
  orderedFromJson,
  readForm,
  SEARCH_RESPONSE,
  writeJson,
  writeJsonText,
  writeXml,
} from './oqs-schema.js';
import { seededRandom } from './seeded-random.js';
import { orderedFromXml } from './oqs-xml.js';

// Shaped like the public sample answers (values are ours): search keys echoed first, every value a
// string, ResultList an array of one-key wrappers, absent elements left out.
const conformant = () => ({
  XmlMsg: {
    MessageHeader: {
      ProcessExecutionTime: '20210715100000',
      QualificationConfirmationDate: '20210715',
      MedicalInstitutionCode: '0110113719',
      ReferenceClassification: '2',
      SegmentOfResult: '1',
      CharacterCodeIdentifier: '0',
    },
    MessageBody: {
      QualificationConfirmSearchInfo: {
        InsurerNumber: '01130012',
        InsuredCardSymbol: '1234',
        InsuredIdentificationNumber: '5678',
        Birthdate: '19890913',
        LimitApplicationCertificateRelatedConsFlg: '1',
      },
      ProcessingResultStatus: '1',
      QualificationValidity: '1',
      ResultList: [
        {
          ResultOfQualificationConfirmation: {
            InsuredCardClassification: '01',
            InsurerNumber: '01130012',
            InsuredCardSymbol: '1234',
            InsuredIdentificationNumber: '5678',
            InsuredBranchNumber: '00',
            PersonalFamilyClassification: '1',
            Name: 'シカク　ハナコ',
            NameKana: 'ｼｶｸ ﾊﾅｺ',
            Sex1: '2',
            Birthdate: '19890913',
            PostNumber: '100-0001',
            QualificationDate: '20210401',
            InsuredCardValidDate: '20210401',
            InsurerName: '全国健康保険協会',
            LimitApplicationCertificateRelatedConsFlg: '1',
            LimitApplicationCertificateRelatedConsTime: '20210715100000',
            LimitApplicationCertificateRelatedInfo: {
              LimitApplicationCertificateClassification: '01',
              LimitApplicationCertificateClassificationFlag: 'A03',
            },
          },
        },
      ],
    },
  },
});

const codes = (problems: ConformanceProblem[]) => problems.map((p) => `${p.code} ${p.path}`);
const checkJson = (doc: unknown) =>
  codes(
    checkMessage(
      SEARCH_RESPONSE,
      orderedFromJson('XmlMsg', (doc as { XmlMsg: unknown }).XmlMsg),
      'json',
    ),
  );

describe('checkMessage', () => {
  it('accepts an answer in the public samples’ shape, as JSON and as XML', () => {
    expect(checkJson(conformant())).toEqual([]);
    const xml = writeXml(SEARCH_RESPONSE, conformant().XmlMsg);
    expect(codes(checkMessage(SEARCH_RESPONSE, orderedFromXml(xml)!, 'xml'))).toEqual([]);
  });

  it('refuses ResultList as an object holding an array (what public parsers reject)', () => {
    const doc = conformant();
    const list = doc.XmlMsg.MessageBody.ResultList;
    (doc.XmlMsg.MessageBody as Record<string, unknown>).ResultList = {
      ResultOfQualificationConfirmation: list.map((w) => w.ResultOfQualificationConfirmation),
    };
    expect(checkJson(doc)).toEqual(['LIST_SHAPE XmlMsg.MessageBody.ResultList']);
  });

  it('refuses empty values, codes outside their table, bad dates and numbers', () => {
    const doc = conformant() as ReturnType<typeof conformant> & Record<string, never>;
    const body = doc.XmlMsg.MessageBody as Record<string, unknown>;
    body.QualificationValidity = '';
    const result = doc.XmlMsg.MessageBody.ResultList[0]!
      .ResultOfQualificationConfirmation as Record<string, unknown>;
    result.InsuredCardClassification = '1';
    result.Birthdate = '19890230';
    result.Sex1 = 2;
    result.PostNumber = '1000001';
    (
      result.LimitApplicationCertificateRelatedInfo as Record<string, unknown>
    ).LimitApplicationCertificateClassificationFlag = 'ウ';
    const r = 'XmlMsg.MessageBody.ResultList[0].ResultOfQualificationConfirmation';
    expect(checkJson(doc)).toEqual([
      'EMPTY_VALUE XmlMsg.MessageBody.QualificationValidity',
      `NOT_IN_CODE_TABLE ${r}.InsuredCardClassification`,
      `NOT_A_STRING ${r}.Sex1`,
      `BAD_FORMAT ${r}.Birthdate`,
      `BAD_FORMAT ${r}.PostNumber`,
      `NOT_IN_CODE_TABLE ${r}.LimitApplicationCertificateRelatedInfo.LimitApplicationCertificateClassificationFlag`,
    ]);
  });

  it('refuses elements out of the layout’s order, unknown ones and missing required ones', () => {
    const doc = conformant();
    const { MessageHeader, MessageBody } = doc.XmlMsg;
    const { QualificationConfirmSearchInfo, ...rest } = MessageBody;
    const result = MessageBody.ResultList[0]!.ResultOfQualificationConfirmation as Record<
      string,
      unknown
    >;
    const { Name, ...withoutName } = result;
    MessageBody.ResultList[0]!.ResultOfQualificationConfirmation = {
      ...withoutName,
      NameKana: 'x',
      Foo: '1',
    } as never;
    const reordered = {
      XmlMsg: { MessageBody: { ...rest, QualificationConfirmSearchInfo }, MessageHeader },
    };
    expect(Name).toBe('シカク　ハナコ');
    expect(checkJson(reordered)).toEqual([
      'UNKNOWN_ELEMENT XmlMsg.MessageBody.ResultList[0].ResultOfQualificationConfirmation.Foo',
      'MISSING_ELEMENT XmlMsg.MessageBody.ResultList[0].ResultOfQualificationConfirmation.Name',
      'OUT_OF_ORDER XmlMsg.MessageBody.QualificationConfirmSearchInfo',
      'OUT_OF_ORDER XmlMsg.MessageHeader',
    ]);
  });

  it('requires the result list as an array in JSON, [] when empty; XML may leave it out', () => {
    const doc = conformant();
    const body = doc.XmlMsg.MessageBody as Record<string, unknown>;
    delete body.ResultList;
    expect(checkJson(doc)).toEqual(['MISSING_ELEMENT XmlMsg.MessageBody.ResultList']);
    body.ResultList = [];
    expect(checkJson(doc)).toEqual([]);
    const xml = writeXml(SEARCH_RESPONSE, doc.XmlMsg);
    expect(xml).not.toContain('ResultList');
    expect(codes(checkMessage(SEARCH_RESPONSE, orderedFromXml(xml)!, 'xml'))).toEqual([]);
  });

  it('reads repeated bulk units and their matches in both forms', () => {
    const unit = (validity: string, names: string[]) => ({
      QualificationConfirmSearchInfo: {
        InsurerNumber: '138057',
        InsuredIdentificationNumber: '1',
        Birthdate: '20000101',
      },
      ProcessingResultStatus: '1',
      QualificationValidity: validity,
      ResultOfQualificationConfirmation: names.map((Name) => ({
        InsuredCardClassification: '01',
        Name,
        Sex1: '1',
        Birthdate: '20000101',
        InsurerName: 'x',
      })),
    });
    const message = {
      MessageHeader: {
        ProcessExecutionTime: '20210715100000',
        MedicalInstitutionCode: '0110113719',
        ReceptionNumber: 'R1',
        SegmentOfResult: '1',
        NumberOfProcessingResult: '2',
        NumberOfNormalProcessing: '2',
        NumberOfError: '0',
        CharacterCodeIdentifier: '0',
      },
      MessageBody: { BulkConfirmUnit: [unit('5', ['A', 'B']), unit('4', [])] },
    };
    const json = writeJson(BULK_RESULT, message);
    expect(
      json.XmlMsg.MessageBody.BulkConfirmUnit?.[0]?.ResultOfQualificationConfirmation,
    ).toHaveLength(2);
    expect(json.XmlMsg.MessageBody.BulkConfirmUnit?.[1]).not.toHaveProperty(
      'ResultOfQualificationConfirmation',
    );
    expect(
      codes(checkMessage(BULK_RESULT, orderedFromJson('XmlMsg', json.XmlMsg), 'json')),
    ).toEqual([]);
    const xml = writeXml(BULK_RESULT, message);
    expect(xml.match(/<BulkConfirmUnit>/g)).toHaveLength(2);
    expect(codes(checkMessage(BULK_RESULT, orderedFromXml(xml)!, 'xml'))).toEqual([]);
  });
});

describe('writers and readers', () => {
  it('writes in schema order whatever the input order, leaving out absent and empty values', () => {
    const doc = conformant().XmlMsg;
    const shuffled = {
      MessageBody: {
        ...doc.MessageBody,
        ProcessingResultCode: '',
        ProcessingResultMessage: undefined,
      },
      MessageHeader: { ErrorCode: '', ...doc.MessageHeader },
    };
    expect(JSON.stringify(writeJson(SEARCH_RESPONSE, shuffled as never))).toBe(
      JSON.stringify({ XmlMsg: doc }),
    );
  });

  it('reads the older object-with-array list shape leniently into wrappers', () => {
    const doc = conformant().XmlMsg;
    const old = {
      ...doc,
      MessageBody: {
        ...doc.MessageBody,
        ResultList: {
          ResultOfQualificationConfirmation: [
            doc.MessageBody.ResultList[0]!.ResultOfQualificationConfirmation,
          ],
        },
      },
    };
    expect(readForm(SEARCH_RESPONSE, old)).toEqual(doc);
  });

  it('documents the JSON form for OpenAPI with the code tables as enums', () => {
    const schema = JSON.stringify(messageJsonSchema(SEARCH_RESPONSE));
    expect(schema).toContain('"ResultList":{"type":"array"');
    expect(schema).toContain('"enum":["1","2","3","4","5"]');
  });
});

// writeJsonText is writeJson's text without the intermediate objects; writeJson is what the tests
// above judge against the public sources, so here the two must give the same bytes on every shape
// a value can take: absent, null, empty, numbers, text that JSON must escape, empty groups, lists
// with junk wrappers, the always-present ResultList.
describe('writeJsonText', () => {
  const texts = [
    'x',
    '',
    'ｶﾅ 漢字',
    'a "quote"',
    'back\\slash',
    'line\nbreak',
    'tab\tand\u0001',
    '\ud800 lone',
    'pair \ud83d\ude00',
    'separator \u2028',
    '0',
  ];
  const valueOf = (spec: ElementSpec, random: () => number, depth: number): unknown => {
    const pick = random();
    if (pick < 0.1) return undefined;
    if (pick < 0.15) return null;
    if (spec.kind === 'leaf') {
      if (pick < 0.25) return Math.floor(random() * 1000);
      return texts[Math.floor(random() * texts.length)];
    }
    if (pick < 0.2) return 'not an element';
    const group = (item: GroupSpec) =>
      Object.fromEntries(
        item.children
          .filter(() => random() < 0.7)
          .map((child) => [child.name, valueOf(child, random, depth + 1)]),
      );
    if (spec.kind === 'group') return random() < 0.1 ? {} : group(spec);
    const count = Math.floor(random() * 3);
    const items = Array.from({ length: count }, () =>
      random() < 0.15
        ? 7
        : spec.kind === 'list'
          ? { [spec.item.name]: group(spec.item) }
          : group(spec.item),
    );
    return depth > 6 ? [] : items;
  };

  it.each([
    ['SEARCH_RESPONSE', SEARCH_RESPONSE],
    ['BULK_RESULT', BULK_RESULT],
  ] as const)('writes the same text as JSON.stringify(writeJson(…)) for %s', (_name, spec) => {
    const random = seededRandom(19);
    for (let i = 0; i < 2000; i++) {
      const made = valueOf(spec, random, 0);
      // Both take the message's XmlMsg, always an object.
      const value = (
        typeof made === 'object' && made !== null && !Array.isArray(made) ? made : {}
      ) as never;
      expect(writeJsonText(spec, value)).toBe(JSON.stringify(writeJson(spec, value)));
    }
  });

  it("writes a conformant answer as writeJson does: the public samples' shape, byte for byte", () => {
    const answer = conformant();
    const text = writeJsonText(SEARCH_RESPONSE, answer.XmlMsg as never);
    expect(text).toBe(JSON.stringify(writeJson(SEARCH_RESPONSE, answer.XmlMsg as never)));
    // Judged on its own too: the sample's text (already in schema order), which the checker passes.
    expect(text).toBe(JSON.stringify(answer));
    expect(checkJson(JSON.parse(text))).toEqual([]);
  });
});
