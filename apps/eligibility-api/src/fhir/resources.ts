// Writes the answer to a CoverageEligibilityRequest: one CoverageEligibilityResponse whose Patient,
// Coverage and Organizations are contained resources (JP Core profiles), built from the same
// qualification views the OQS answer is written from. The mapping and its sources: docs/fhir.md.
// The My Number is not in a view, so it cannot reach a resource.
import { addDays } from '@shikaku/core/dates';
import {
  InsuredCardClassification,
  LimitApplicationCertificateClassification,
  LimitApplicationCertificateClassificationFlag,
  QualificationValidity,
  ReasonOfLoss,
} from '@shikaku/core/code-tables';
import type { QualificationValidityCode } from '@shikaku/core/eligibility';
import type { QualificationView } from '@shikaku/core/qualification-view';
import type {
  Coverage,
  CoverageEligibilityResponse,
  CoverageEligibilityResponseInsurance,
  Extension,
  HumanName,
  Identifier,
  Organization,
  Patient,
} from '@medplum/fhirtypes';
import type { CardNumbersQuery } from '../confirm.js';
import {
  HL7,
  INSURANCE_MEMBER_ID_SYSTEM,
  INSURED_PERSON_CATEGORY_SYSTEM,
  INSURER_NUMBER_SYSTEM,
  JP_COVERAGE_EXTENSION,
  JP_PROFILE,
  MEDICAL_INSTITUTION_CODE_SYSTEM,
  NAME_REPRESENTATION_EXTENSION,
  SHIKAKU,
} from './systems.js';

export interface EligibilityAnswer {
  at: Date;
  /** The confirmation date (servicedDate, or today in JST). */
  on: string;
  purpose: CoverageEligibilityResponse['purpose'];
  requestIdentifier: Identifier | undefined;
  institution: { institutionCode: string; name: string };
  /** The validated search (for the patient and insurer when nothing matched). */
  query: CardNumbersQuery;
  validity: QualificationValidityCode;
  /** One view per qualification the answer is about, with its kana as stored (full-width). */
  results: Array<{ view: QualificationView; nameKana: string }>;
}

/** JST date-time with its offset, as FHIR dateTime allows. */
export function jstDateTime(at: Date): string {
  return `${new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

/** Half-width ASCII to full-width (JP Core writes 記号 and 番号 in 全角). */
export function toFullWidth(s: string): string {
  return s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** 被保険者個人識別子: "保険者番号:記号:番号:枝番", an absent part empty. */
export function insuranceMemberId(card: {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | undefined | null;
}): string {
  // The identifier's insurer part is 8 characters (R1013); a 国保 number (6 digits) gets the
  // leading zeros that clients already send it with.
  return [
    card.insurerNumber.padStart(8, '0'),
    card.symbol ?? '',
    card.number,
    card.branch ?? '',
  ].join(':');
}

const validityCoding = (validity: QualificationValidityCode) => ({
  system: SHIKAKU.qualificationValiditySystem,
  code: validity,
  display: QualificationValidity.codes[validity],
});

function names(name: string, kana: string): HumanName[] {
  const part = (text: string, representation: 'IDE' | 'SYL'): HumanName => {
    const [family, ...given] = text.trim().split(/[ \u3000]+/);
    return {
      extension: [{ url: NAME_REPRESENTATION_EXTENSION, valueCode: representation }],
      use: 'official',
      text,
      ...(family && given.length > 0 ? { family, given: [given.join(' ')] } : {}),
    };
  };
  return [part(name, 'IDE'), part(kana, 'SYL')];
}

const GENDER: Record<string, Patient['gender']> = { '1': 'male', '2': 'female', '3': 'unknown' };

function patientOf(
  id: string,
  card: Parameters<typeof insuranceMemberId>[0],
  birthDate: string,
  result?: { view: QualificationView; nameKana: string },
): Patient {
  const view = result?.view;
  return {
    resourceType: 'Patient',
    id,
    meta: { profile: [JP_PROFILE.patient] },
    identifier: [{ system: INSURANCE_MEMBER_ID_SYSTEM, value: insuranceMemberId(card) }],
    ...(view && result
      ? {
          name: names(view.name, result.nameKana),
          gender: GENDER[view.sex] ?? 'unknown',
        }
      : {}),
    birthDate,
    ...(view
      ? {
          address: [
            {
              text: view.address,
              ...(/^\d{7}$/.test(view.postNumber)
                ? { postalCode: `${view.postNumber.slice(0, 3)}-${view.postNumber.slice(3)}` }
                : {}),
            },
          ],
        }
      : {}),
  };
}

function insurerOf(id: string, insurerNumber: string, name?: string): Organization {
  return {
    resourceType: 'Organization',
    id,
    meta: { profile: [JP_PROFILE.organization] },
    identifier: [{ system: INSURER_NUMBER_SYSTEM, value: insurerNumber }],
    type: [{ coding: [{ system: HL7.organizationType, code: 'pay', display: 'Payer' }] }],
    ...(name ? { name } : {}),
  };
}

/** The copay ratio and, with consent, the 限度額適用認定証 as a reduction of the patient's cost. */
function costToBeneficiary(view: QualificationView): Coverage['costToBeneficiary'] {
  if (view.copayRatio === null) return undefined;
  const limit = view.limitApplicationCertificate;
  const classification = limit?.classification as
    keyof typeof LimitApplicationCertificateClassification.codes | undefined;
  const flag = limit?.classificationFlag as
    keyof typeof LimitApplicationCertificateClassificationFlag.codes | undefined;
  return [
    {
      type: { coding: [{ system: HL7.copayType, code: 'copaypct', display: 'Copay Percentage' }] },
      valueQuantity: {
        value: Number(view.copayRatio),
        unit: '%',
        system: HL7.ucum,
        code: '%',
      },
      ...(limit && classification && flag
        ? {
            exception: [
              {
                type: {
                  coding: [
                    {
                      system: SHIKAKU.limitCertificateClassificationSystem,
                      code: classification,
                      display: LimitApplicationCertificateClassification.codes[classification],
                    },
                    {
                      system: SHIKAKU.limitCertificateFlagSystem,
                      code: flag,
                      display: LimitApplicationCertificateClassificationFlag.codes[flag],
                    },
                  ],
                },
                period: { start: limit.validFrom, end: limit.validTo },
              },
            ],
          }
        : {}),
    },
  ];
}

function coverageOf(
  id: string,
  view: QualificationView,
  patientId: string,
  insurerId: string,
): Coverage {
  const extension: Extension[] = [];
  if (view.insuredCardSymbol)
    extension.push({
      url: JP_COVERAGE_EXTENSION.symbol,
      valueString: toFullWidth(view.insuredCardSymbol),
    });
  extension.push({
    url: JP_COVERAGE_EXTENSION.number,
    valueString: toFullWidth(view.insuredIdentificationNumber),
  });
  extension.push({ url: JP_COVERAGE_EXTENSION.branch, valueString: view.insuredBranchNumber });
  if (view.reasonOfLoss) {
    const reason = view.reasonOfLoss as keyof typeof ReasonOfLoss.codes;
    extension.push({
      url: SHIKAKU.reasonOfLossExtension,
      valueCoding: {
        system: SHIKAKU.reasonOfLossSystem,
        code: reason,
        display: ReasonOfLoss.codes[reason],
      },
    });
  }
  const cardClass = view.insuredCardClassification as keyof typeof InsuredCardClassification.codes;
  const start = view.cardValidFrom ?? view.qualificationDate;
  // 資格喪失日 is the first day without cover; a FHIR period's end is the last day with it.
  const lastDay = view.disqualificationDate ? addDays(view.disqualificationDate, -1) : null;
  const end = [view.cardValidTo, lastDay].filter((d): d is string => d !== null).sort()[0];
  const member = {
    insurerNumber: view.insurerNumber,
    symbol: view.insuredCardSymbol,
    number: view.insuredIdentificationNumber,
    branch: view.insuredBranchNumber,
  };
  return {
    resourceType: 'Coverage',
    id,
    meta: { profile: [JP_PROFILE.coverage] },
    extension,
    identifier: [
      {
        system: INSURANCE_MEMBER_ID_SYSTEM,
        value: insuranceMemberId(member),
        assigner: { reference: `#${insurerId}` },
      },
    ],
    // The state of the record, not of the cover (that is insurance.inforce and the period).
    status: 'active',
    type: {
      coding: [
        { system: HL7.actCode, code: 'PUBLICPOL', display: 'public healthcare' },
        {
          system: SHIKAKU.insuredCardClassificationSystem,
          code: cardClass,
          ...(InsuredCardClassification.codes[cardClass]
            ? { display: InsuredCardClassification.codes[cardClass] }
            : {}),
        },
      ],
    },
    subscriberId: `${toFullWidth(view.insuredCardSymbol ?? '')}:${toFullWidth(view.insuredIdentificationNumber)}`,
    beneficiary: { reference: `#${patientId}` },
    dependent: view.insuredBranchNumber,
    relationship: {
      coding: [
        {
          system: INSURED_PERSON_CATEGORY_SYSTEM,
          code: view.personalFamilyClassification,
          display: view.personalFamilyClassification === '1' ? '被保険者' : '被扶養者',
        },
      ],
    },
    period: { start, ...(end ? { end } : {}) },
    payor: [{ reference: `#${insurerId}` }],
    ...(costToBeneficiary(view) ? { costToBeneficiary: costToBeneficiary(view) } : {}),
  };
}

function insuranceOf(
  coverageId: string,
  view: QualificationView,
  inforce: boolean,
): CoverageEligibilityResponseInsurance {
  return {
    coverage: { reference: `#${coverageId}` },
    inforce,
    benefitPeriod: {
      start: view.qualificationDate,
      ...(view.disqualificationDate ? { end: addDays(view.disqualificationDate, -1) } : {}),
    },
    ...(view.copayRatio !== null
      ? {
          item: [
            {
              category: {
                coding: [{ system: HL7.benefitCategory, code: '1', display: 'Medical Care' }],
              },
              benefit: [
                {
                  type: {
                    coding: [
                      {
                        system: HL7.benefitType,
                        code: 'copay-percent',
                        display: 'Copayment Percent per service',
                      },
                    ],
                  },
                  allowedUnsignedInt: Number(view.copayRatio),
                },
              ],
            },
          ],
        }
      : {}),
  };
}

export function buildEligibilityResponse(answer: EligibilityAnswer): CoverageEligibilityResponse {
  const { query } = answer;
  const searched = {
    insurerNumber: query.insurerNumber,
    symbol: query.insuredCardSymbol,
    number: query.insuredIdentificationNumber,
    branch: query.insuredBranchNumber,
  };
  const contained: Array<Patient | Organization | Coverage> = [];
  const insurance: CoverageEligibilityResponseInsurance[] = [];
  const insurers = new Map<string, string>();
  const insurerId = (insurerNumber: string, name?: string) => {
    let id = insurers.get(insurerNumber);
    if (!id) {
      id = `insurer-${insurers.size + 1}`;
      insurers.set(insurerNumber, id);
      contained.push(insurerOf(id, insurerNumber, name));
    }
    return id;
  };
  answer.results.forEach((result, i) => {
    const { view } = result;
    const patientId = `patient-${i + 1}`;
    const coverageId = `coverage-${i + 1}`;
    const member = {
      insurerNumber: view.insurerNumber,
      symbol: view.insuredCardSymbol,
      number: view.insuredIdentificationNumber,
      branch: view.insuredBranchNumber,
    };
    contained.push(patientOf(patientId, member, view.birthDate, result));
    const payer = insurerId(view.insurerNumber, view.insurerName);
    contained.push(coverageOf(coverageId, view, patientId, payer));
    insurance.push(
      insuranceOf(coverageId, view, answer.validity === '1' || answer.validity === '5'),
    );
  });
  // Nothing matched: the patient and insurer are the ones searched for, nothing more.
  if (answer.results.length === 0)
    contained.push(patientOf('patient-1', searched, query.birthDate));
  const insurer = insurerId(answer.results[0]?.view.insurerNumber ?? query.insurerNumber);
  const requestor = 'requestor';
  contained.push({
    resourceType: 'Organization',
    id: requestor,
    meta: { profile: [JP_PROFILE.organization] },
    identifier: [
      { system: MEDICAL_INSTITUTION_CODE_SYSTEM, value: answer.institution.institutionCode },
    ],
    type: [
      { coding: [{ system: HL7.organizationType, code: 'prov', display: 'Healthcare Provider' }] },
    ],
    name: answer.institution.name,
  });
  return {
    resourceType: 'CoverageEligibilityResponse',
    contained,
    extension: [
      { url: SHIKAKU.qualificationValidityExtension, valueCoding: validityCoding(answer.validity) },
    ],
    status: 'active',
    purpose: answer.purpose,
    patient: { reference: '#patient-1' },
    servicedDate: answer.on,
    created: jstDateTime(answer.at),
    requestor: { reference: `#${requestor}` },
    request: answer.requestIdentifier
      ? { identifier: answer.requestIdentifier }
      : { display: 'CoverageEligibilityRequest (not stored)' },
    outcome: 'complete',
    disposition: QualificationValidity.codes[answer.validity],
    insurer: { reference: `#${insurer}` },
    ...(insurance.length > 0 ? { insurance } : {}),
  };
}
