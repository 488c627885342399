/**
 * The OQS eligibility messages as one declarative schema: element names, order, cardinality,
 * optionality, format and code table per element. Everything that writes or reads a message
 * derives from it: the JSON and XML writers (`writeJson`, `writeXml`), the readers (`readJson`,
 * `readXml`), the conformance checker (`checkMessage`) and the OpenAPI schema (`jsonSchemaOf`).
 *
 * Sources (see docs/oqs-public-sources.md for the field table and each fact's source): the element
 * order is that of the real XML layout (別紙3-1 XMLレイアウト仕様) as public client code lists it;
 * the JSON form's rules (lists are arrays of one-key wrappers, absent elements omitted, every
 * value a string) come from public client parsers and sample answers.
 *
 * The two forms differ only in how a list is written:
 *   JSON  "ResultList": [ { "ResultOfQualificationConfirmation": { … } }, … ]
 *   XML   <ResultList><ResultOfQualificationConfirmation>…</…><ResultOfQualificationConfirmation>…
 */
import {
  CharacterCodeIdentifier,
  type CodeTable,
  ConsentFlag,
  InsuredCardClassification,
  InsuredPartialContributionRatio,
  LimitApplicationCertificateClassification,
  LimitApplicationCertificateClassificationFlag,
  LimitApplicationCertificateRelatedConsFlg,
  PersonalFamilyClassification,
  PreschoolClassification,
  PrescriptionIssueType,
  ProcessingResultStatus,
  QualificationValidity,
  ReasonOfLoss,
  ReferenceClassification,
  SegmentOfResult,
  Sex,
  SpecificDiseasesDiseaseCategory,
} from './code-tables.js';

/** How a value is written. Every value is a string in both forms. */
export type ValueFormat =
  | 'text'
  /** YYYYMMDD, a real calendar date */
  | 'date'
  /** YYYYMMDDHHmmss (JST) */
  | 'datetime'
  /** 123-4567 */
  | 'postNumber'
  /** decimal digits */
  | 'digits';

interface Common<N extends string> {
  readonly name: N;
  /** The Japanese name of the element in the layout. */
  readonly label: string;
  readonly required?: boolean;
  /** When it is present (for the docs' field table). */
  readonly when?: string;
}

export interface LeafSpec<N extends string = string> extends Common<N> {
  readonly kind: 'leaf';
  readonly format: ValueFormat;
  readonly table?: CodeTable;
  readonly maxLength?: number;
}

export interface GroupSpec<
  N extends string = string,
  C extends readonly ElementSpec[] = readonly ElementSpec[],
> extends Common<N> {
  readonly kind: 'group';
  readonly children: C;
}

/** A container of repeated items: `<List><Item/><Item/></List>`; JSON `List: [{Item: …}, …]`. */
export interface ListSpec<
  N extends string = string,
  I extends GroupSpec = GroupSpec,
> extends Common<N> {
  readonly kind: 'list';
  readonly item: I;
  /**
   * Written in JSON even when empty (`[]`): the public client's parser requires the array on
   * every answer, errors and "not found" included. XML leaves an empty list out.
   */
  readonly alwaysInJson?: boolean;
}

/**
 * An element that may occur several times in a row, with no container: XML `<Item/><Item/>`,
 * JSON `"Item": [ {…}, {…} ]` (the bulk result's BulkConfirmUnit, and the matches in a unit).
 */
export interface RepeatedSpec<
  N extends string = string,
  I extends GroupSpec = GroupSpec,
> extends Common<N> {
  readonly kind: 'repeated';
  readonly item: I;
}

export type ElementSpec = LeafSpec | GroupSpec | ListSpec | RepeatedSpec;

type Options = { required?: boolean; when?: string };

function leaf<const N extends string, const O extends Options>(
  name: N,
  label: string,
  format: ValueFormat,
  options?: O & { table?: CodeTable; maxLength?: number },
): LeafSpec<N> & O {
  return { kind: 'leaf', name, label, format, ...options } as LeafSpec<N> & O;
}

function group<
  const N extends string,
  const C extends readonly ElementSpec[],
  const O extends Options,
>(name: N, label: string, children: C, options?: O): GroupSpec<N, C> & O {
  return { kind: 'group', name, label, children, ...options } as GroupSpec<N, C> & O;
}

function list<
  const N extends string,
  const I extends GroupSpec,
  const O extends Options & { alwaysInJson?: boolean },
>(name: N, label: string, item: I, options?: O): ListSpec<N, I> & O {
  return { kind: 'list', name, label, item, ...options } as ListSpec<N, I> & O;
}

function repeated<const I extends GroupSpec, const O extends Options>(
  item: I,
  options?: O,
): RepeatedSpec<I['name'], I> & O {
  return {
    kind: 'repeated',
    name: item.name,
    label: item.label,
    item,
    ...options,
  } as RepeatedSpec<I['name'], I> & O;
}

const required = { required: true } as const;

// ------------------------------------------------------------------- types derived from the schema

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The JSON form of an element's value. */
export type ValueOf<E> = E extends LeafSpec
  ? string
  : E extends GroupSpec<string, infer C>
    ? GroupValue<C>
    : E extends ListSpec<string, infer I>
      ? Array<{ [K in I['name']]: ValueOf<I> }>
      : E extends RepeatedSpec<string, infer I>
        ? Array<ValueOf<I>>
        : never;

export type GroupValue<C extends readonly ElementSpec[]> = Simplify<
  { [E in Extract<C[number], { required: true }> as E['name']]: ValueOf<E> } & {
    [E in Exclude<C[number], { required: true }> as E['name']]?: ValueOf<E>;
  }
>;

// ------------------------------------------------------------------------------- the elements

function date<const N extends string>(name: N, label: string, when?: string) {
  return leaf(name, label, 'date', { when });
}
function datetime<const N extends string>(name: N, label: string, when?: string) {
  return leaf(name, label, 'datetime', { when });
}

/** 資格確認照会用情報: the search keys; echoed back in the answer. */
export const QUALIFICATION_CONFIRM_SEARCH_INFO = group(
  'QualificationConfirmSearchInfo',
  '資格確認照会用情報',
  [
    leaf('InsurerNumber', '保険者番号', 'digits', { required: true, maxLength: 8 }),
    leaf('InsuredCardSymbol', '被保険者証記号', 'text', { maxLength: 20 }),
    leaf('InsuredIdentificationNumber', '被保険者証番号', 'text', {
      required: true,
      maxLength: 20,
    }),
    leaf('InsuredBranchNumber', '被保険者証枝番', 'digits', { maxLength: 2 }),
    leaf('Birthdate', '生年月日', 'date', { required: true }),
    leaf('LimitApplicationCertificateRelatedConsFlg', '限度額適用認定証提供同意フラグ', 'digits', {
      table: LimitApplicationCertificateRelatedConsFlg,
    }),
    leaf('ArbitraryIdentifier', '任意の識別子', 'text', { maxLength: 64 }),
  ],
);

const ELDERLY_RECIPIENT_CERTIFICATE_INFO = group(
  'ElderlyRecipientCertificateInfo',
  '高齢受給者証情報',
  [
    date('ElderlyRecipientCertificateDate', '高齢受給者証交付年月日'),
    date('ElderlyRecipientValidStartDate', '高齢受給者証有効開始年月日'),
    date('ElderlyRecipientValidEndDate', '高齢受給者証有効終了年月日'),
    leaf('ElderlyRecipientContributionRatio', '高齢受給者証一部負担金割合', 'digits', {
      table: InsuredPartialContributionRatio,
    }),
  ],
  { when: '70–74 (高齢受給者)' },
);

const LIMIT_APPLICATION_CERTIFICATE_RELATED_INFO = group(
  'LimitApplicationCertificateRelatedInfo',
  '限度額適用認定証関連情報',
  [
    leaf('LimitApplicationCertificateClassification', '限度額適用認定証区分', 'digits', {
      table: LimitApplicationCertificateClassification,
    }),
    leaf('LimitApplicationCertificateClassificationFlag', '限度額適用認定証適用区分', 'text', {
      table: LimitApplicationCertificateClassificationFlag,
    }),
    date('LimitApplicationCertificateDate', '限度額適用認定証交付年月日'),
    date('LimitApplicationCertificateValidStartDate', '限度額適用認定証有効開始年月日'),
    date('LimitApplicationCertificateValidEndDate', '限度額適用認定証有効終了年月日'),
    date('LimitApplicationCertificateLongTermDate', '限度額適用認定証長期入院該当年月日'),
  ],
  { when: 'the patient consented to provide it' },
);

const SPECIFIC_DISEASES_CERTIFICATE_LIST = list(
  'SpecificDiseasesCertificateList',
  '特定疾病療養受療証情報リスト',
  group('SpecificDiseasesCertificateInfo', '特定疾病療養受療証情報', [
    leaf('SpecificDiseasesDiseaseCategory', '特定疾病療養受療証認定疾病区分', 'digits', {
      table: SpecificDiseasesDiseaseCategory,
    }),
    date('SpecificDiseasesCertificateDate', '特定疾病療養受療証交付年月日'),
    date('SpecificDiseasesValidStartDate', '特定疾病療養受療証有効開始年月日'),
    date('SpecificDiseasesValidEndDate', '特定疾病療養受療証有効終了年月日'),
    leaf('SpecificDiseasesSelfPay', '特定疾病療養受療証自己負担限度額', 'digits'),
  ]),
  { when: 'not emulated: no 特定疾病 data is registered' },
);

/** The consent flag, its time and its expiry (consent + 24 h) of one kind of information. */
function consent<const P extends string>(prefix: P, label: string) {
  return [
    leaf(`${prefix}ConsFlg` as `${P}ConsFlg`, `${label}閲覧同意フラグ`, 'digits', {
      table: ConsentFlag,
      when: 'card confirmations',
    }),
    datetime(`${prefix}ConsTime` as `${P}ConsTime`, `${label}閲覧同意日時`, 'consent given'),
    datetime(
      `${prefix}AvailableTime` as `${P}AvailableTime`,
      `${label}閲覧有効期限`,
      'consent given',
    ),
  ] as const;
}

/** 資格確認結果: one qualification. */
export const RESULT_OF_QUALIFICATION_CONFIRMATION = group(
  'ResultOfQualificationConfirmation',
  '資格確認結果',
  [
    leaf('InsuredCardClassification', '被保険者証区分', 'text', {
      required: true,
      table: InsuredCardClassification,
    }),
    leaf('InsurerNumber', '保険者番号', 'digits'),
    leaf('InsuredCardSymbol', '被保険者証記号', 'text', { when: 'the card has one' }),
    leaf('InsuredIdentificationNumber', '被保険者証番号', 'text'),
    leaf('InsuredBranchNumber', '被保険者証枝番', 'digits'),
    leaf('PersonalFamilyClassification', '本人・家族の別', 'digits', {
      table: PersonalFamilyClassification,
    }),
    leaf('InsuredName', '被保険者氏名（世帯主氏名）', 'text', { when: 'not emulated' }),
    leaf('Name', '氏名', 'text', { required: true }),
    leaf('NameOfOther', '氏名（その他）', 'text', { when: 'not emulated' }),
    leaf('NameKana', '氏名カナ', 'text', { when: 'half-width katakana' }),
    leaf('NameOfOtherKana', '氏名カナ（その他）', 'text', { when: 'not emulated' }),
    leaf('Sex1', '性別1', 'digits', { required: true, table: Sex }),
    leaf('Sex2', '性別2', 'digits', { table: Sex, when: 'not emulated' }),
    leaf('Birthdate', '生年月日', 'date', { required: true }),
    leaf('Address', '住所', 'text'),
    leaf('PostNumber', '郵便番号', 'postNumber'),
    date('QualificationDate', '資格取得年月日'),
    date('DisqualificationDate', '資格喪失年月日', 'the qualification was lost'),
    date('InsuredCertificateIssuanceDate', '被保険者証交付年月日', 'the insurer registered it'),
    date('InsuredCardValidDate', '被保険者証有効開始年月日'),
    date('InsuredCardExpirationDate', '被保険者証有効終了年月日', 'the card has an end date'),
    leaf('InsuredPartialContributionRatio', '被保険者証一部負担金割合', 'digits', {
      table: InsuredPartialContributionRatio,
      when: '後期高齢者医療 (75+)',
    }),
    leaf('PreschoolClassification', '未就学区分', 'digits', {
      table: PreschoolClassification,
      when: 'before compulsory schooling',
    }),
    leaf('ReasonOfLoss', '資格喪失事由', 'digits', {
      table: ReasonOfLoss,
      when: 'the qualification was lost and the insurer gave a reason',
    }),
    leaf('InsurerName', '保険者名称', 'text', { required: true }),
    ELDERLY_RECIPIENT_CERTIFICATE_INFO,
    leaf('LimitApplicationCertificateRelatedConsFlg', '限度額適用認定証提供同意フラグ', 'digits', {
      table: LimitApplicationCertificateRelatedConsFlg,
    }),
    datetime(
      'LimitApplicationCertificateRelatedConsTime',
      '限度額適用認定証提供同意日時',
      'consent given',
    ),
    LIMIT_APPLICATION_CERTIFICATE_RELATED_INFO,
    leaf(
      'SpecificDiseasesCertificateRelatedConsFlg',
      '特定疾病療養受療証提供同意フラグ',
      'digits',
      {
        table: LimitApplicationCertificateRelatedConsFlg,
        when: 'not emulated',
      },
    ),
    datetime(
      'SpecificDiseasesCertificateRelatedConsTime',
      '特定疾病療養受療証提供同意日時',
      'not emulated',
    ),
    SPECIFIC_DISEASES_CERTIFICATE_LIST,
    ...consent('SpecificHealthCheckupsInfo', '特定健診情報'),
    ...consent('PharmacistsInfo', '薬剤情報'),
    ...consent('DiagnosisInfo', '診療情報'),
    ...consent('OperationInfo', '手術情報'),
  ],
);

/** 照会 (OQSsiquc01req): a confirmation by insurance-card numbers. */
export const SEARCH_REQUEST = group('XmlMsg', '資格確認照会', [
  group(
    'MessageHeader',
    'ヘッダー',
    [
      date('QualificationConfirmationDate', '資格確認日', 'omitted: today'),
      leaf('MedicalInstitutionCode', '医療機関コード', 'digits', {
        maxLength: 10,
        when: 'omitted: the logged-in institution',
      }),
      leaf('ArbitraryFileIdentifier', '任意のファイル識別子', 'text', { maxLength: 64 }),
    ],
    required,
  ),
  group('MessageBody', 'ボディ', [QUALIFICATION_CONFIRM_SEARCH_INFO], required),
]);

const RESPONSE_HEADER = group(
  'MessageHeader',
  'ヘッダー',
  [
    leaf('ProcessExecutionTime', '処理実行日時', 'datetime', required),
    date('QualificationConfirmationDate', '資格確認日'),
    leaf('MedicalInstitutionCode', '医療機関コード', 'digits', {
      when: 'known (the request or the login named it)',
    }),
    leaf('ArbitraryFileIdentifier', '任意のファイル識別子', 'text', {
      when: 'the request had one',
    }),
    leaf('ReferenceClassification', '照会区分', 'digits', {
      required: true,
      table: ReferenceClassification,
    }),
    leaf('SegmentOfResult', '処理結果区分', 'digits', { required: true, table: SegmentOfResult }),
    leaf('ErrorCode', 'エラーコード', 'text', { when: 'SegmentOfResult is not 1' }),
    leaf('ErrorMessage', 'エラーメッセージ', 'text', { when: 'SegmentOfResult is not 1' }),
    leaf('CharacterCodeIdentifier', '文字コード識別', 'digits', {
      required: true,
      table: CharacterCodeIdentifier,
    }),
  ],
  required,
);

/** 結果 (OQSsiquc01res): the answer of the web search and of the terminal's files. */
export const SEARCH_RESPONSE = group('XmlMsg', '資格確認結果', [
  RESPONSE_HEADER,
  group(
    'MessageBody',
    'ボディ',
    [
      { ...QUALIFICATION_CONFIRM_SEARCH_INFO, when: 'the request could be read (card numbers)' },
      leaf('PrescriptionIssueSelect', '処方箋発行形態', 'digits', {
        table: PrescriptionIssueType,
        when: 'not emulated',
      }),
      leaf('ProcessingResultStatus', '処理結果状況', 'digits', {
        required: true,
        table: ProcessingResultStatus,
      }),
      leaf('ProcessingResultCode', '処理結果コード', 'text', { when: 'an error' }),
      leaf('ProcessingResultMessage', '処理結果メッセージ', 'text', { when: 'an error' }),
      leaf('QualificationValidity', '資格有効性', 'digits', {
        table: QualificationValidity,
        when: 'ProcessingResultStatus 1',
      }),
      list('ResultList', '資格確認結果リスト', RESULT_OF_QUALIFICATION_CONFIRMATION, {
        when: 'JSON: always, [] when nothing is listed (public clients require the array); XML: validity 1, 2, 3 or 5',
        alwaysInJson: true,
      }),
    ],
    required,
  ),
]);

/**
 * 一括照会結果 (OQSmuquc02res): repeated BulkConfirmUnit in the body, each with the search keys it
 * answers and its qualifications directly (no ResultList), one per match.
 */
export const BULK_RESULT = group('XmlMsg', '一括照会結果', [
  group(
    'MessageHeader',
    'ヘッダー',
    [
      leaf('ProcessExecutionTime', '処理実行日時', 'datetime', required),
      date('QualificationConfirmationDate', '資格確認日'),
      leaf('MedicalInstitutionCode', '医療機関コード', 'digits', required),
      leaf('ArbitraryFileIdentifier', '任意のファイル識別子', 'text', {
        when: 'the request had one',
      }),
      leaf('ReceptionNumber', '受付番号', 'text', required),
      leaf('SegmentOfResult', '処理結果区分', 'digits', { required: true, table: SegmentOfResult }),
      leaf('ErrorCode', 'エラーコード', 'text', { when: 'SegmentOfResult is not 1' }),
      leaf('ErrorMessage', 'エラーメッセージ', 'text', { when: 'SegmentOfResult is not 1' }),
      leaf('NumberOfProcessingResult', '処理件数', 'digits', required),
      leaf('NumberOfNormalProcessing', '正常件数', 'digits', required),
      leaf('NumberOfError', 'エラー件数', 'digits', required),
      leaf('CharacterCodeIdentifier', '文字コード識別', 'digits', {
        required: true,
        table: CharacterCodeIdentifier,
      }),
    ],
    required,
  ),
  group(
    'MessageBody',
    'ボディ',
    [
      repeated(
        group('BulkConfirmUnit', '一括照会結果単位', [
          { ...QUALIFICATION_CONFIRM_SEARCH_INFO, required: true },
          leaf('ProcessingResultStatus', '処理結果状況', 'digits', {
            required: true,
            table: ProcessingResultStatus,
          }),
          leaf('ProcessingResultCode', '処理結果コード', 'text', { when: 'an error' }),
          leaf('ProcessingResultMessage', '処理結果メッセージ', 'text', { when: 'an error' }),
          leaf('QualificationValidity', '資格有効性', 'digits', {
            table: QualificationValidity,
            when: 'ProcessingResultStatus 1',
          }),
          repeated(RESULT_OF_QUALIFICATION_CONFIRMATION, {
            when: 'validity 1, 2, 3 or 5 (every match)',
          }),
        ]),
      ),
    ],
    required,
  ),
]);

export type SearchRequestForm = ValueOf<typeof SEARCH_REQUEST>;
export type SearchResponseForm = ValueOf<typeof SEARCH_RESPONSE>;
export type BulkResultForm = ValueOf<typeof BULK_RESULT>;
export type QualificationConfirmSearchInfoForm = ValueOf<typeof QUALIFICATION_CONFIRM_SEARCH_INFO>;
export type ResultOfQualificationConfirmationForm = ValueOf<
  typeof RESULT_OF_QUALIFICATION_CONFIRMATION
>;

// --------------------------------------------------------------------------------- writers

type Loose = Record<string, unknown>;
const isRecord = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The JSON form of a value, in schema order: absent, null and '' values and empty groups and lists
 * are left out; lists become arrays of one-key wrappers. Keys the schema does not know are dropped.
 */
export function writeJson<S extends GroupSpec>(
  spec: S,
  value: ValueOf<S>,
): { [K in S['name']]: ValueOf<S> } {
  const body = writeGroup(spec, value as unknown as Loose) ?? {};
  return { [spec.name]: body } as { [K in S['name']]: ValueOf<S> };
}

function writeElement(spec: ElementSpec, value: unknown): unknown {
  if ((value === undefined || value === null) && !(spec.kind === 'list' && spec.alwaysInJson))
    return undefined;
  switch (spec.kind) {
    case 'leaf': {
      const text = typeof value === 'number' ? String(value) : value;
      return typeof text === 'string' && text !== '' ? text : undefined;
    }
    case 'group':
      return isRecord(value) ? writeGroup(spec, value) : undefined;
    case 'list': {
      const items = (Array.isArray(value) ? value : [])
        .map((wrapper) => (isRecord(wrapper) ? wrapper[spec.item.name] : undefined))
        .map((item) => (isRecord(item) ? writeGroup(spec.item, item) : undefined))
        .filter((item): item is Loose => item !== undefined)
        .map((item) => ({ [spec.item.name]: item }));
      return items.length > 0 || spec.alwaysInJson ? items : undefined;
    }
    case 'repeated': {
      if (!Array.isArray(value)) return undefined;
      const items = value
        .map((item) => (isRecord(item) ? writeGroup(spec.item, item) : undefined))
        .filter((item): item is Loose => item !== undefined);
      return items.length > 0 ? items : undefined;
    }
  }
}

function writeGroup(spec: GroupSpec, value: Loose): Loose | undefined {
  const out: Loose = {};
  for (const child of spec.children) {
    const written = writeElement(child, value[child.name]);
    if (written !== undefined) out[child.name] = written;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The JSON text of `writeJson`'s value, written straight from the value: the same text as
 * `JSON.stringify(writeJson(spec, value))`, without the intermediate objects. Every answer of the
 * spec search is written with it, so each schema's writer is made once (a closure per element,
 * kept per schema).
 */
export function writeJsonText<S extends GroupSpec>(spec: S, value: ValueOf<S>): string {
  const body = groupTextWriter(spec)(value as unknown as Loose);
  return `{${JSON.stringify(spec.name)}:${body ?? '{}'}}`;
}

/**
 * What JSON.stringify writes other than as it is (ECMA-262 QuoteJSONString): the quote, the
 * backslash, controls below U+0020 and lone surrogates (any surrogate here: a pair goes the slow
 * way, written the same). Most values need none, and a test is cheaper than a stringify per leaf.
 */
// eslint-disable-next-line no-control-regex -- the controls are what JSON escapes
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** An element's JSON text, or undefined when writeJson leaves it out. */
type TextWriter = (value: unknown) => string | undefined;

const groupTextWriters = new WeakMap<GroupSpec, (value: Loose) => string | undefined>();

function groupTextWriter(spec: GroupSpec): (value: Loose) => string | undefined {
  const made = groupTextWriters.get(spec);
  if (made) return made;
  const children = spec.children.map((child) => ({
    name: child.name,
    key: `${JSON.stringify(child.name)}:`,
    write: elementTextWriter(child),
  }));
  const write = (value: Loose) => {
    let out = '';
    for (const child of children) {
      const written = child.write(value[child.name]);
      if (written !== undefined)
        out += out === '' ? child.key + written : `,${child.key}${written}`;
    }
    return out === '' ? undefined : `{${out}}`;
  };
  groupTextWriters.set(spec, write);
  return write;
}

function elementTextWriter(spec: ElementSpec): TextWriter {
  switch (spec.kind) {
    case 'leaf':
      return (value) => {
        const text = typeof value === 'number' ? String(value) : value;
        if (typeof text !== 'string' || text === '') return undefined;
        return NEEDS_JSON_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
      };
    case 'group': {
      const group = groupTextWriter(spec);
      return (value) => (isRecord(value) ? group(value) : undefined);
    }
    case 'list': {
      const item = groupTextWriter(spec.item);
      const wrap = `{${JSON.stringify(spec.item.name)}:`;
      return (value) => {
        if ((value === undefined || value === null) && !spec.alwaysInJson) return undefined;
        let out = '';
        if (Array.isArray(value))
          for (const wrapper of value) {
            const inner = isRecord(wrapper) ? wrapper[spec.item.name] : undefined;
            const written = isRecord(inner) ? item(inner) : undefined;
            if (written !== undefined) out += `${out === '' ? '' : ','}${wrap}${written}}`;
          }
        return out !== '' || spec.alwaysInJson ? `[${out}]` : undefined;
      };
    }
    case 'repeated': {
      const item = groupTextWriter(spec.item);
      return (value) => {
        if (!Array.isArray(value)) return undefined;
        let out = '';
        for (const element of value) {
          const written = isRecord(element) ? item(element) : undefined;
          if (written !== undefined) out += out === '' ? written : `,${written}`;
        }
        return out === '' ? undefined : `[${out}]`;
      };
    }
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeXml = (text: string) => text.replace(/[&<>]/g, (c) => XML_ESCAPES[c]!);

/** The XML form (UTF-8 declaration), in schema order, from the JSON form or a value. */
export function writeXml<S extends GroupSpec>(spec: S, value: ValueOf<S>): string {
  const json = writeGroup(spec, value as unknown as Loose) ?? {};
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'];
  xmlGroup(spec, json, parts);
  return parts.join('');
}

function xmlGroup(spec: GroupSpec, value: Loose, parts: string[]): void {
  parts.push(`<${spec.name}>`);
  for (const child of spec.children) {
    const inner = value[child.name];
    // An empty list is written only in JSON (alwaysInJson); XML leaves it out.
    if (inner === undefined || (Array.isArray(inner) && inner.length === 0)) continue;
    if (child.kind === 'leaf')
      parts.push(`<${child.name}>${escapeXml(inner as string)}</${child.name}>`);
    else if (child.kind === 'group') xmlGroup(child, inner as Loose, parts);
    else if (child.kind === 'repeated')
      for (const item of inner as Loose[]) xmlGroup(child.item, item, parts);
    else {
      parts.push(`<${child.name}>`);
      for (const wrapper of inner as Loose[])
        xmlGroup(child.item, wrapper[child.item.name] as Loose, parts);
      parts.push(`</${child.name}>`);
    }
  }
  parts.push(`</${spec.name}>`);
}

// --------------------------------------------------------------------------------- readers

/** The names of repeated items, which an XML reader must always read as arrays. */
export function listItemNames(spec: ElementSpec, into = new Set<string>()): Set<string> {
  if (spec.kind === 'group') for (const child of spec.children) listItemNames(child, into);
  if (spec.kind === 'list' || spec.kind === 'repeated') {
    into.add(spec.item.name);
    listItemNames(spec.item, into);
  }
  return into;
}

/**
 * Reads a parsed message (from JSON, or from XML parsed with repeated items as arrays) into the JSON
 * form: lists as arrays of wrappers, numbers as strings, empty values and unknown elements left
 * out. Lenient on purpose (it reads what clients send); `checkMessage` is the strict judge.
 */
export function readForm<S extends GroupSpec>(spec: S, raw: unknown): ValueOf<S> | undefined {
  return readGroup(spec, raw) as ValueOf<S> | undefined;
}

function readGroup(spec: GroupSpec, raw: unknown): Loose | undefined {
  if (!isRecord(raw)) return undefined;
  const out: Loose = {};
  for (const child of spec.children) {
    const value = readElement(child, raw[child.name]);
    if (value !== undefined) out[child.name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function readElement(spec: ElementSpec, raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (spec.kind === 'leaf') {
    const text = typeof raw === 'number' ? String(raw) : raw;
    return typeof text === 'string' && text !== '' ? text : undefined;
  }
  if (spec.kind === 'group') return readGroup(spec, raw);
  if (spec.kind === 'repeated') {
    const read = [raw]
      .flat()
      .map((item) => readGroup(spec.item, item))
      .filter((item): item is Loose => item !== undefined);
    return read.length > 0 ? read : undefined;
  }
  // A list: JSON's array of wrappers, or XML's (and older JSON's) container of repeated items.
  const items: unknown[] = Array.isArray(raw)
    ? raw.map((wrapper) => (isRecord(wrapper) ? wrapper[spec.item.name] : undefined))
    : isRecord(raw)
      ? [raw[spec.item.name]].flat()
      : [];
  const read = items
    .map((item) => readGroup(spec.item, item))
    .filter((item): item is Loose => item !== undefined)
    .map((item) => ({ [spec.item.name]: item }));
  return read.length > 0 ? read : undefined;
}

// ----------------------------------------------------------------------------- conformance

/** An element of a document in the order it was written. */
export interface OrderedNode {
  name: string;
  /** Text for a leaf, children for an element. */
  value: string | OrderedNode[];
  /** JSON only: the value was an array (lists must be). */
  array?: boolean;
  /** JSON only: the value was not a string. */
  notString?: boolean;
}

/** A JSON document (as parsed, key order kept) as ordered nodes. */
export function orderedFromJson(name: string, raw: unknown): OrderedNode {
  if (typeof raw === 'string') return { name, value: raw };
  if (Array.isArray(raw))
    return { name, array: true, value: raw.map((item) => orderedFromJson(name, item)) };
  if (isRecord(raw))
    return { name, value: Object.entries(raw).map(([k, v]) => orderedFromJson(k, v)) };
  return { name, value: String(raw), notString: true };
}

export interface ConformanceProblem {
  /** Dotted path of the element, with [i] for list items. */
  path: string;
  code:
    | 'UNKNOWN_ELEMENT'
    | 'MISSING_ELEMENT'
    | 'OUT_OF_ORDER'
    | 'REPEATED_ELEMENT'
    | 'EMPTY_VALUE'
    | 'NOT_A_STRING'
    | 'BAD_FORMAT'
    | 'NOT_IN_CODE_TABLE'
    | 'TOO_LONG'
    | 'NOT_AN_ELEMENT'
    | 'LIST_SHAPE';
  message: string;
}

const FORMATS: Record<ValueFormat, RegExp> = {
  text: /^[\s\S]*$/,
  date: /^\d{8}$/,
  datetime: /^\d{14}$/,
  postNumber: /^\d{3}-\d{4}$/,
  digits: /^\d+$/,
};

function realDate(value: string): boolean {
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(4, 6));
  const d = Number(value.slice(6, 8));
  const at = new Date(Date.UTC(y, m - 1, d));
  return (
    y >= 1800 && at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d
  );
}

/**
 * Judges a document against the schema the way a strict real client would: element names, order,
 * repetition, required elements, every value a non-empty string in its format and code table, and
 * (in JSON) lists as arrays of wrappers. Returns every problem found; [] means conformant.
 */
export function checkMessage(
  spec: GroupSpec,
  root: OrderedNode,
  form: 'json' | 'xml',
): ConformanceProblem[] {
  const problems: ConformanceProblem[] = [];
  if (root.name !== spec.name)
    problems.push({
      path: root.name,
      code: 'UNKNOWN_ELEMENT',
      message: `the root is not ${spec.name}`,
    });
  else checkGroup(spec, root, spec.name, form, problems);
  return problems;
}

function checkGroup(
  spec: GroupSpec,
  node: OrderedNode,
  path: string,
  form: 'json' | 'xml',
  problems: ConformanceProblem[],
): void {
  if (typeof node.value === 'string' || node.array) {
    problems.push({ path, code: 'NOT_AN_ELEMENT', message: `${spec.name} must hold elements` });
    return;
  }
  const order = spec.children.map((c) => c.name);
  let last = -1;
  const seen = new Map<string, number>();
  for (const child of node.value) {
    const at = order.indexOf(child.name);
    const childSpec = spec.children[at];
    const count = seen.get(child.name) ?? 0;
    const childPath = `${path}.${child.name}`;
    if (!childSpec) {
      problems.push({
        path: childPath,
        code: 'UNKNOWN_ELEMENT',
        message: `${spec.name} has no element ${child.name}`,
      });
      continue;
    }
    // In XML a repeated element occurs as consecutive siblings; anything else occurs once.
    const againInARow = childSpec.kind === 'repeated' && form === 'xml' && at === last;
    if (count > 0 && !againInARow)
      problems.push({
        path: childPath,
        code: 'REPEATED_ELEMENT',
        message: `${child.name} appears twice`,
      });
    else if (at < last)
      problems.push({
        path: childPath,
        code: 'OUT_OF_ORDER',
        message: `${child.name} must come before ${order[last]}`,
      });
    seen.set(child.name, count + 1);
    last = Math.max(last, at);
    checkElement(
      childSpec,
      child,
      form === 'xml' ? `${childPath}[${count}]` : childPath,
      form,
      problems,
    );
  }
  for (const child of spec.children) {
    const expected =
      child.required || (form === 'json' && child.kind === 'list' && child.alwaysInJson);
    if (expected && !seen.has(child.name))
      problems.push({
        path: `${path}.${child.name}`,
        code: 'MISSING_ELEMENT',
        message: `${child.name} is required`,
      });
  }
}

function checkElement(
  spec: ElementSpec,
  node: OrderedNode,
  path: string,
  form: 'json' | 'xml',
  problems: ConformanceProblem[],
): void {
  switch (spec.kind) {
    case 'group':
      return checkGroup(spec, node, path, form, problems);
    case 'repeated':
      if (form === 'xml') return checkGroup(spec.item, node, path, form, problems);
      if (!node.array || typeof node.value === 'string') {
        problems.push({ path, code: 'LIST_SHAPE', message: `${spec.name} must be an array` });
        return;
      }
      node.value.forEach((item, i) => checkGroup(spec.item, item, `${path}[${i}]`, form, problems));
      return;
    case 'list':
      return checkList(spec, node, path, form, problems);
    case 'leaf':
      return checkLeaf(spec, node, path, problems);
  }
}

function checkList(
  spec: ListSpec,
  node: OrderedNode,
  path: string,
  form: 'json' | 'xml',
  problems: ConformanceProblem[],
): void {
  if (typeof node.value === 'string') {
    problems.push({
      path,
      code: 'NOT_AN_ELEMENT',
      message: `${spec.name} must hold ${spec.item.name} items`,
    });
    return;
  }
  if (form === 'json' && !node.array) {
    problems.push({
      path,
      code: 'LIST_SHAPE',
      message: `${spec.name} must be an array of {"${spec.item.name}": …} wrappers`,
    });
    return;
  }
  node.value.forEach((entry, i) => {
    // JSON: each array entry is a wrapper holding one item; XML: each child is an item.
    const items = form === 'json' && typeof entry.value !== 'string' ? entry.value : [entry];
    if (items.length !== 1 || items[0]!.name !== spec.item.name || items[0]!.array) {
      problems.push({
        path: `${path}[${i}]`,
        code: 'LIST_SHAPE',
        message: `each ${spec.name} entry holds exactly one ${spec.item.name}`,
      });
      return;
    }
    checkGroup(spec.item, items[0]!, `${path}[${i}].${spec.item.name}`, form, problems);
  });
}

function checkLeaf(
  spec: LeafSpec,
  node: OrderedNode,
  path: string,
  problems: ConformanceProblem[],
): void {
  if (typeof node.value !== 'string') {
    problems.push({
      path,
      code: 'NOT_AN_ELEMENT',
      message: `${spec.name} is a value, not elements`,
    });
    return;
  }
  if (node.notString)
    problems.push({ path, code: 'NOT_A_STRING', message: `${spec.name} must be a string` });
  const value = node.value;
  if (value === '') {
    problems.push({
      path,
      code: 'EMPTY_VALUE',
      message: `${spec.name} is empty: an absent value is omitted`,
    });
    return;
  }
  if (!FORMATS[spec.format].test(value) || (spec.format === 'date' && !realDate(value)))
    problems.push({ path, code: 'BAD_FORMAT', message: `${spec.name} is not a ${spec.format}` });
  if (spec.table && !Object.hasOwn(spec.table.codes, value))
    problems.push({
      path,
      code: 'NOT_IN_CODE_TABLE',
      message: `${spec.name} "${value}" is not a code of ${spec.table.id} ${spec.table.name}`,
    });
  if (spec.maxLength !== undefined && value.length > spec.maxLength)
    problems.push({
      path,
      code: 'TOO_LONG',
      message: `${spec.name} is longer than ${spec.maxLength}`,
    });
}

// ---------------------------------------------------------------------------------- OpenAPI

/** The JSON Schema of an element's JSON form, for the OpenAPI document. */
export function jsonSchemaOf(spec: ElementSpec): Record<string, unknown> {
  const description = [spec.label, spec.when].filter(Boolean).join(' — ');
  switch (spec.kind) {
    case 'leaf':
      return {
        type: 'string',
        description,
        ...(spec.table ? { enum: Object.keys(spec.table.codes) } : {}),
        ...(spec.format !== 'text' ? { pattern: FORMATS[spec.format].source } : {}),
        ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
      };
    case 'group': {
      const requiredNames = spec.children.filter((c) => c.required).map((c) => c.name);
      return {
        type: 'object',
        description,
        properties: Object.fromEntries(spec.children.map((c) => [c.name, jsonSchemaOf(c)])),
        ...(requiredNames.length > 0 ? { required: requiredNames } : {}),
      };
    }
    case 'list':
      return {
        type: 'array',
        description,
        items: {
          type: 'object',
          required: [spec.item.name],
          properties: { [spec.item.name]: jsonSchemaOf(spec.item) },
        },
      };
    case 'repeated':
      return { type: 'array', description, items: jsonSchemaOf(spec.item) };
  }
}

/** The JSON Schema of a whole message (`{ "XmlMsg": … }`). */
export function messageJsonSchema(spec: GroupSpec): Record<string, unknown> {
  return { type: 'object', required: [spec.name], properties: { [spec.name]: jsonSchemaOf(spec) } };
}

// ------------------------------------------------------------------------------ field table

/**
 * The field table of a message for the docs (markdown rows: element, meaning, type, code table,
 * when present), written from the schema so the docs cannot drift from what the code writes.
 */
export function fieldTable(spec: GroupSpec): string {
  const rows = [
    '| element | 名称 | type | code table | when present |',
    '| --- | --- | --- | --- | --- |',
  ];
  const walk = (element: ElementSpec, depth: number) => {
    const indent = depth > 0 ? `${'· '.repeat(depth)}` : '';
    const type =
      element.kind === 'leaf'
        ? element.format
        : element.kind === 'group'
          ? 'group'
          : element.kind === 'list'
            ? `list of ${element.item.name}`
            : 'repeated';
    const table = element.kind === 'leaf' && element.table ? `${element.table.id}` : '';
    const when = element.required ? 'always' : (element.when ?? 'when known');
    rows.push(`| ${indent}\`${element.name}\` | ${element.label} | ${type} | ${table} | ${when} |`);
    const children =
      element.kind === 'group'
        ? element.children
        : element.kind === 'list' || element.kind === 'repeated'
          ? element.item.children
          : [];
    for (const child of children) walk(child, depth + 1);
  };
  for (const child of spec.children) walk(child, 0);
  return rows.join('\n');
}
