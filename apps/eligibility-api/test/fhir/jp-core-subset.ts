// A vendored subset of the JP Core constraints that the eligibility resources touch, written from
// the profiles' FSH sources (JAMI FHIR JP WG, jami-fhir-jp-wg/jp-core-v1x, input/fsh/profiles/
// JP_Coverage.fsh, JP_Patient.fsh, JP_Organization.fsh, profiles dated 2024-11-18) and, for the
// 被保険者個人識別子 format, invariant R1013 of the 電子カルテ情報共有サービス profiles (JP_Patient_eCS).
// JP Core's StructureDefinitions are published in the FHIR package registry, not on npm, so they
// cannot be installed as a package here; each rule names the element and the source line it
// restates (docs/fhir.md §4 lists them). A rule is checked on every resource that claims the
// profile in meta.profile, contained ones included.
import type {
  Coverage,
  Extension,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';

const PROFILE = {
  coverage: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage',
  patient: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  organization: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
};
const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_';
const COVERAGE_EXTENSIONS = {
  symbol: `${EXT}InsuredPersonSymbol`,
  number: `${EXT}InsuredPersonNumber`,
  branch: `${EXT}InsuredPersonSubNumber`,
};
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const COVERAGE_CSV_ID = 'http://jpfhir.jp/fhir/core/IdSystem/JP_Coverage_id';
const INSURER_NUMBER = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber';
const INSTITUTION_CODE = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/**
 * R1013: "保険者等番号:被保険者記号:被保険者番号:被保険者証等枝番" — 8 half-width alphanumerics,
 * two strings without white space (half or full width), 2 half-width digits starting with 0; an
 * absent part is the empty string.
 */
const MEMBER_ID_FORMAT = /^([0-9A-Za-z]{8})?:[^\s:\u3000]*:[^\s:\u3000]*:(0[0-9])?$/;

type Find = (ref: Reference | undefined) => Resource | undefined;

function claims(resource: Resource, profile: string): boolean {
  return resource.meta?.profile?.includes(profile) ?? false;
}

function checkCoverage(c: Coverage, find: Find): string[] {
  const problems: string[] = [];
  const ext = (url: string): Extension[] => (c.extension ?? []).filter((e) => e.url === url);
  // JP_Coverage.fsh: each of the three extensions "value[x] only string".
  for (const [name, url] of Object.entries(COVERAGE_EXTENSIONS))
    for (const e of ext(url)) {
      const keys = Object.keys(e).filter((k) => k.startsWith('value'));
      if (keys.length !== 1 || keys[0] !== 'valueString')
        problems.push(`jp-core Coverage.extension:${name}: value[x] only string`);
    }
  // JP_Coverage_InsuredPersonSubNumber: "00～99の間の半角数字2桁".
  const branch = ext(COVERAGE_EXTENSIONS.branch)[0]?.valueString;
  if (branch !== undefined && !/^[0-9]{2}$/.test(branch))
    problems.push('jp-core Coverage.extension:insuredPersonSubNumber: two half-width digits');
  // dependent: "拡張 InsuredPersonSubNumberに設定した値と同じ".
  if (branch !== undefined && c.dependent !== undefined && c.dependent !== branch)
    problems.push('jp-core Coverage.dependent: equals the InsuredPersonSubNumber extension');
  // subscriberId: "{被保険者記号}:{被保険者番号}".
  const symbol = ext(COVERAGE_EXTENSIONS.symbol)[0]?.valueString ?? '';
  const number = ext(COVERAGE_EXTENSIONS.number)[0]?.valueString;
  if (
    number !== undefined &&
    c.subscriberId !== undefined &&
    c.subscriberId !== `${symbol}:${number}`
  )
    problems.push('jp-core Coverage.subscriberId: {記号}:{番号}');
  // identifier slices insuranceIdentifier ..1 and insuranceCsvIdentifier ..1, value 1..1, assigner
  // only Reference(JP_Organization).
  for (const [slice, system] of [
    ['insuranceIdentifier', MEMBER_ID],
    ['insuranceCsvIdentifier', COVERAGE_CSV_ID],
  ] as const) {
    const ids = (c.identifier ?? []).filter((i) => i.system === system);
    if (ids.length > 1) problems.push(`jp-core Coverage.identifier:${slice}: at most one`);
    for (const id of ids) {
      if (!id.value) problems.push(`jp-core Coverage.identifier:${slice}.value: required`);
      if (id.assigner && find(id.assigner)?.resourceType !== 'Organization')
        problems.push(`jp-core Coverage.identifier:${slice}.assigner: only JP_Organization`);
    }
  }
  for (const id of (c.identifier ?? []).filter((i) => i.system === MEMBER_ID))
    if (!MEMBER_ID_FORMAT.test(id.value ?? ''))
      problems.push('jp-core Coverage.identifier:insuranceIdentifier.value: R1013 format');
  // beneficiary only Reference(JP_Patient); payor only Reference(JP_Organization or JP_Patient or
  // RelatedPerson). A reference that does not resolve here is not judged.
  const beneficiary = find(c.beneficiary);
  if (beneficiary && beneficiary.resourceType !== 'Patient')
    problems.push('jp-core Coverage.beneficiary: only JP_Patient');
  for (const p of c.payor ?? []) {
    const payor = find(p);
    if (payor && !['Organization', 'Patient', 'RelatedPerson'].includes(payor.resourceType))
      problems.push('jp-core Coverage.payor: only JP_Organization, JP_Patient or RelatedPerson');
  }
  return problems;
}

function checkPatient(p: Patient, find: Find): string[] {
  const problems: string[] = [];
  // JP_Patient.fsh: "identifier 1.." and "identifier.value 1..".
  if (!p.identifier?.length) problems.push('jp-core Patient.identifier: at least one');
  for (const id of p.identifier ?? []) {
    if (!id.value) problems.push('jp-core Patient.identifier.value: required');
    if (id.assigner && find(id.assigner) && find(id.assigner)?.resourceType !== 'Organization')
      problems.push('jp-core Patient.identifier.assigner: only JP_Organization');
    if (id.system === MEMBER_ID && !MEMBER_ID_FORMAT.test(id.value ?? ''))
      problems.push('jp-core Patient.identifier (被保険者個人識別子): R1013 format');
  }
  // JP_HumanName: kanji and kana told apart with iso21090-EN-representation (IDE / SYL / ABC).
  for (const name of p.name ?? [])
    for (const e of (name.extension ?? []).filter((x) => x.url === NAME_REPRESENTATION))
      if (!['IDE', 'SYL', 'ABC'].includes(e.valueCode ?? ''))
        problems.push('jp-core Patient.name.extension (EN-representation): IDE | SYL | ABC');
  return problems;
}

function checkOrganization(o: Organization): string[] {
  const problems: string[] = [];
  // JP_Organization.fsh: identifier:insurerNumber (system fixed) "券面記載の保険者番号";
  // identifier:medicalInstitutionCode "医療機関コード（１０桁）".
  for (const id of o.identifier ?? []) {
    if (id.system === INSURER_NUMBER && !/^[0-9A-Za-z]{6,8}$/.test(id.value ?? ''))
      problems.push(
        "jp-core Organization.identifier:insurerNumber.value: the card's insurer number",
      );
    if (id.system === INSTITUTION_CODE && !/^[0-9]{10}$/.test(id.value ?? ''))
      problems.push('jp-core Organization.identifier:medicalInstitutionCode.value: 10 digits');
  }
  // address.use and telecom.use: 「home」は使用しないこと.
  if (
    (o.address ?? []).some((a) => a.use === 'home') ||
    (o.telecom ?? []).some((t) => t.use === 'home')
  )
    problems.push('jp-core Organization.address/telecom.use: not home');
  return problems;
}

/** The JP Core subset for a resource and every resource it contains. */
export function checkJpCore(resource: Resource): string[] {
  const contained =
    ('contained' in resource ? (resource.contained as Resource[] | undefined) : undefined) ?? [];
  const byId = new Map(contained.map((r) => [`#${r.id}`, r]));
  const find: Find = (ref) => (ref?.reference ? byId.get(ref.reference) : undefined);
  const problems: string[] = [];
  for (const r of [resource, ...contained]) {
    if (r.resourceType === 'Coverage' && claims(r, PROFILE.coverage))
      problems.push(...checkCoverage(r, find));
    if (r.resourceType === 'Patient' && claims(r, PROFILE.patient))
      problems.push(...checkPatient(r, find));
    if (r.resourceType === 'Organization' && claims(r, PROFILE.organization))
      problems.push(...checkOrganization(r));
  }
  return problems;
}
