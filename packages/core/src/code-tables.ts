/**
 * OQS code tables (コード定義, OQSCDnnn) as typed constants with their Japanese labels.
 *
 * Source: the codes and labels are those used by public client implementations of the OQS
 * interface (receipt-computer code that decodes real responses), not the official
 * 「オンライン資格確認 外部インターフェイス仕様書」 itself, which is distributed to vendors only.
 * Where the public sources disagree it is noted on the table; DESIGN.md decides for this project.
 * Tables beyond OQSCD017 exist in later spec versions and are not modelled here.
 */
export interface CodeTable<Code extends string = string> {
  /** OQSCDnnn */
  readonly id: string;
  /** Japanese name of the table. */
  readonly name: string;
  /** The message field(s) it codes. */
  readonly fields: readonly string[];
  readonly codes: Readonly<Record<Code, string>>;
}

export type CodeOf<T extends CodeTable> = Extract<keyof T['codes'], string>;

function table<const Code extends string>(t: {
  id: string;
  name: string;
  fields: readonly string[];
  codes: Record<Code, string>;
}): CodeTable<Code> {
  return t;
}

/** OQSCD001 限度額適用認定証提供同意フラグ */
export const LimitApplicationCertificateRelatedConsFlg = table({
  id: 'OQSCD001',
  name: '限度額適用認定証提供同意フラグ',
  fields: ['LimitApplicationCertificateRelatedConsFlg'],
  codes: { '0': '未同意', '1': '同意' },
});

/** OQSCD002 照会区分 */
export const ReferenceClassification = table({
  id: 'OQSCD002',
  name: '照会区分',
  fields: ['ReferenceClassification'],
  codes: { '1': 'マイナンバーカード', '2': '被保険者証情報' },
});

/** OQSCD003 処理結果区分 */
export const SegmentOfResult = table({
  id: 'OQSCD003',
  name: '処理結果区分',
  fields: ['SegmentOfResult'],
  codes: { '1': '正常終了', '2': '処理中', '9': '異常終了' },
});

/** OQSCD004 処理結果状況 */
export const ProcessingResultStatus = table({
  id: 'OQSCD004',
  name: '処理結果状況',
  fields: ['ProcessingResultStatus'],
  codes: { '1': '正常終了', '2': 'エラー' },
});

/**
 * OQSCD005 文字コード識別. Public clients disagree (0 UTF-8 / 1 Shift_JIS in one, 1 UTF-8 /
 * 2 Shift_JIS in another); this project follows DESIGN.md: 0 UTF-8, 1 Shift_JIS.
 */
export const CharacterCodeIdentifier = table({
  id: 'OQSCD005',
  name: '文字コード識別',
  fields: ['CharacterCodeIdentifier'],
  codes: { '0': 'UTF-8', '1': 'Shift_JIS' },
});

/**
 * OQSCD006 資格有効性. Later spec versions add 6 有効（未登録）; the emulator answers 1–5.
 */
export const QualificationValidity = table({
  id: 'OQSCD006',
  name: '資格有効性',
  fields: ['QualificationValidity'],
  codes: {
    '1': '有効',
    '2': '無効',
    '3': '無効（新しい資格あり）',
    '4': '該当資格なし',
    '5': '複数該当',
  },
});

/** OQSCD007 性別 */
export const Sex = table({
  id: 'OQSCD007',
  name: '性別',
  fields: ['Sex1', 'Sex2'],
  codes: { '1': '男', '2': '女', '3': '未設定' },
});

/** OQSCD008 資格喪失事由 */
export const ReasonOfLoss = table({
  id: 'OQSCD008',
  name: '資格喪失事由',
  fields: ['ReasonOfLoss'],
  codes: {
    '01': '死亡',
    '02': '生活保護受給開始',
    '03': '医療保険等の資格取得',
    // One public client labels 99 like 03 (apparently a copy error); その他 is the evident meaning.
    '99': 'その他',
  },
});

/** OQSCD009 本人・家族区分 */
export const PersonalFamilyClassification = table({
  id: 'OQSCD009',
  name: '本人・家族区分',
  fields: ['PersonalFamilyClassification'],
  codes: { '1': '本人', '2': '家族' },
});

/**
 * OQSCD010 被保険者証区分. Public clients word 05 differently (被保険者資格証明書 /
 * 特別療養費支給対象者: the same holders); A1 医療扶助 was added with 公費 support.
 * One client's copy of the table notes that from the 2024-12-02 change (no more 健康保険証) the
 * card kinds are retired (欠番) yet still answered: as they were for a confirmation dated before
 * the change, and as registered when an insurer registers a retired code after it. No public
 * source we found gives a value for a 資格確認書, so none is added here; the document kind is read
 * from its issue date (insurance-document.ts). Sources: docs/oqs-public-sources.md §4.
 */
export const InsuredCardClassification = table({
  id: 'OQSCD010',
  name: '被保険者証区分',
  fields: ['InsuredCardClassification'],
  codes: {
    '01': '被保険者証（一般）',
    '02': '被保険者証（退職）',
    '03': '短期被保険者証（一般）',
    '04': '短期被保険者証（退職）',
    '05': '被保険者資格証明書',
    '06': '特例退職被保険者証',
    '07': '自衛官診療証',
    A1: '医療扶助',
  },
});

/** OQSCD011 限度額適用認定証区分 */
export const LimitApplicationCertificateClassification = table({
  id: 'OQSCD011',
  name: '限度額適用認定証区分',
  fields: ['LimitApplicationCertificateClassification'],
  codes: {
    '01': '限度額適用認定証',
    '02': '限度額適用・標準負担額減額認定証',
    '03': '標準負担額減額認定証',
  },
});

/** OQSCD012 限度額適用認定証適用区分 (A: under 70, B: 70 and over) */
export const LimitApplicationCertificateClassificationFlag = table({
  id: 'OQSCD012',
  name: '限度額適用認定証適用区分',
  fields: ['LimitApplicationCertificateClassificationFlag'],
  codes: {
    A01: 'ア',
    A02: 'イ',
    A03: 'ウ',
    A04: 'エ',
    A05: 'オ',
    A06: 'オ（境）',
    B01: '現役並みⅢ',
    B02: '現役並みⅡ',
    B03: '現役並みⅠ',
    B04: '一般',
    B05: '低所得Ⅱ',
    B06: '低所得Ⅰ',
    B07: '低所得Ⅰ（老福）',
    B08: '低所得Ⅰ（境）',
    B09: '一般Ⅱ',
    B10: '一般Ⅰ',
  },
});

/** OQSCD013 特定疾病療養受療証認定疾病区分 */
export const SpecificDiseasesDiseaseCategory = table({
  id: 'OQSCD013',
  name: '特定疾病療養受療証認定疾病区分',
  fields: ['SpecificDiseasesDiseaseCategory'],
  codes: {
    '1': '人工透析を必要とする慢性腎不全',
    '2': '先天性血液凝固因子障害（第VIII因子、第IX因子）',
    '3': '血液凝固因子製剤の投与に起因するHIV感染症',
  },
});

/** OQSCD014 限度額適用認定証情報変更有無 */
export const LimitApplicationCertificateChangeFlag = table({
  id: 'OQSCD014',
  name: '限度額適用認定証情報変更有無',
  fields: ['LimitApplicationCertificateChangeFlag'],
  codes: { '0': '変更なし', '1': '変更あり または 判定不能' },
});

/** OQSCD015 未就学区分: 1 when the person is before compulsory schooling, absent otherwise. */
export const PreschoolClassification = table({
  id: 'OQSCD015',
  name: '未就学区分',
  fields: ['PreschoolClassification'],
  codes: { '1': '未就学該当' },
});

/**
 * OQSCD016 同意区分: the consent flags given on the reader (checkups, drug information,
 * diagnosis, operations, 特定疾病療養受療証).
 */
export const ConsentFlag = table({
  id: 'OQSCD016',
  name: '同意区分',
  fields: [
    'SpecificHealthCheckupsInfoConsFlg',
    'PharmacistsInfoConsFlg',
    'DiagnosisInfoConsFlg',
    'OperationInfoConsFlg',
    'SpecificDiseasesCertificateRelatedConsFlg',
  ],
  codes: { '0': '同意なし', '1': '同意あり', '2': '同意有効期限切れ', '3': '同意取得困難' },
});

/** OQSCD017 処方箋発行形態 */
export const PrescriptionIssueType = table({
  id: 'OQSCD017',
  name: '処方箋発行形態',
  fields: ['PrescriptionIssueType'],
  codes: { '1': '電子処方箋', '2': '紙の処方箋' },
});

/** 一部負担金割合 (InsuredPartialContributionRatio): no OQSCD number; the value is the percentage in 3 digits. */
export const InsuredPartialContributionRatio = table({
  id: 'ratio',
  name: '一部負担金割合',
  fields: ['InsuredPartialContributionRatio', 'ElderlyRecipientContributionRatio'],
  codes: { '010': '1割', '020': '2割', '030': '3割' },
});

export const CODE_TABLES = [
  LimitApplicationCertificateRelatedConsFlg,
  ReferenceClassification,
  SegmentOfResult,
  ProcessingResultStatus,
  CharacterCodeIdentifier,
  QualificationValidity,
  Sex,
  ReasonOfLoss,
  PersonalFamilyClassification,
  InsuredCardClassification,
  LimitApplicationCertificateClassification,
  LimitApplicationCertificateClassificationFlag,
  SpecificDiseasesDiseaseCategory,
  LimitApplicationCertificateChangeFlag,
  PreschoolClassification,
  ConsentFlag,
  PrescriptionIssueType,
] as const;

export function isCodeOf<T extends CodeTable>(t: T, value: string): value is CodeOf<T> {
  return Object.hasOwn(t.codes, value);
}

/** The Japanese label of a code, or undefined for a code not in the table. */
export function labelOf(t: CodeTable, value: string): string | undefined {
  return Object.hasOwn(t.codes, value) ? (t.codes as Record<string, string>)[value] : undefined;
}
