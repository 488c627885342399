// Facility types as the portal stores them (four types and a large-chain flag), mapped onto core's
// FacilityType for the rules, plus the Japanese wording of institution-code problems.
import {
  FACILITY_SCORE_TABLE,
  FACILITY_LABELS as CORE_FACILITY_LABELS,
  type FacilityType,
} from '@shikaku/core/facility';
import type { InstitutionCodeReason } from '@shikaku/core/institution-code';
import type { FacilityTypeCode } from '@shikaku/db/portal/tables';
import { html } from './web/html.js';

export const FACILITY_LABELS: Record<FacilityTypeCode, string> = {
  hospital: CORE_FACILITY_LABELS.hospital,
  clinic: CORE_FACILITY_LABELS.clinic,
  'dental-clinic': CORE_FACILITY_LABELS['dental-clinic'],
  pharmacy: CORE_FACILITY_LABELS.pharmacy,
};

export const FACILITY_CHOICES: ReadonlyArray<readonly [FacilityTypeCode, string]> = (
  Object.keys(FACILITY_LABELS) as FacilityTypeCode[]
).map((k) => [k, FACILITY_LABELS[k]] as const);

/** The rules' facility type: a pharmacy with the large-chain flag is a large-chain pharmacy. */
export function coreFacilityType(institution: {
  facility_type: FacilityTypeCode;
  large_chain: boolean;
}): FacilityType {
  return institution.facility_type === 'pharmacy' && institution.large_chain
    ? 'large-chain-pharmacy'
    : institution.facility_type;
}

const CODE_PROBLEMS: Record<InstitutionCodeReason, string> = {
  LENGTH: '医療機関コードは10桁で入力してください。',
  NOT_DIGITS: '医療機関コードは半角数字で入力してください。',
  PREFECTURE: '先頭2桁（都道府県番号）は01〜47です。',
  SCORE_TABLE: '3桁目（点数表番号）は 1（医科）、3（歯科）、4（調剤）のいずれかです。',
  CHECK_DIGIT: '医療機関コードの検証番号（10桁目）が一致しません。入力内容をご確認ください。',
};

export function institutionCodeProblem(reason: InstitutionCodeReason): string {
  return CODE_PROBLEMS[reason];
}

const SCORE_TABLE_LABEL: Record<string, string> = { '1': '医科', '3': '歯科', '4': '調剤' };

/** Japanese reason when the code's 点数表 (3rd digit) does not fit the facility type (core's table). */
export function facilityMismatch(
  type: FacilityTypeCode,
  institutionCode: string,
): string | undefined {
  const expected = FACILITY_SCORE_TABLE[type];
  const actual = institutionCode[2] ?? '';
  return expected === actual
    ? undefined
    : `医療機関コードの3桁目（点数表番号）は「${SCORE_TABLE_LABEL[actual] ?? actual}」を表します。施設の種類「${FACILITY_LABELS[type]}」のコードは ${expected}（${SCORE_TABLE_LABEL[expected]}）です。`;
}

/** The institution an application is for, as the 確認 pages show it: code, name, type. */
export function institutionTable(institution: {
  institution_code: string;
  name: string;
  facility_type: FacilityTypeCode;
}) {
  return html`<table>
    <tr>
      <th>医療機関等コード</th>
      <td>${institution.institution_code}</td>
    </tr>
    <tr>
      <th>名称</th>
      <td>${institution.name}</td>
    </tr>
    <tr>
      <th>施設の種類</th>
      <td>${FACILITY_LABELS[institution.facility_type]}</td>
    </tr>
  </table>`;
}
