import { addDays, addYears, dateParts, type IsoDate, isoDate } from './dates.js';

/**
 * 一部負担金割合 (the patient's copay ratio) from the birth date, the date of care and the income
 * class, as the eligibility response's InsuredPartialContributionRatio ("010" 1割, "020" 2割,
 * "030" 3割).
 *
 * - 義務教育就学前: 2割 until the first 31 March on or after the day the child reaches 6.
 * - to 69: 3割.
 * - 70–74 (高齢受給者): 2割, 3割 for 現役並み所得, from the 1st of the month after the one in
 *   which the person reaches 70 (for someone born on the 1st, that is the birthday month itself).
 * - 75+ (後期高齢者, from the 75th birthday): 1割; 2割 for 一定以上所得 from 2022-10-01; 3割 for
 *   現役並み所得.
 *
 * Ages: under 年齢計算ニ関スル法律 one "reaches" an age on the day before the birthday, which is
 * why someone born on the 1st moves to the 70–74 ratio in their birthday month and a child born on
 * 1 April leaves the preschool ratio on the 31 March just before their 6th birthday. The 75+ rule is
 * defined from the birthday itself. Rules are the ones in force since 2014-04 (earlier 70–74 特例
 * and pre-2008 preschool rules are not modelled).
 */
export const INCOME_CLASSES = ['general', 'certain-income', 'active-equivalent'] as const;
export type IncomeClass = (typeof INCOME_CLASSES)[number];

export const COPAY_REASONS = [
  'PRESCHOOL',
  'WORKING_AGE',
  'ELDERLY_70_74',
  'ELDERLY_70_74_ACTIVE_EQUIVALENT',
  'LATE_ELDERLY',
  'LATE_ELDERLY_CERTAIN_INCOME',
  'LATE_ELDERLY_ACTIVE_EQUIVALENT',
] as const;
export type CopayReason = (typeof COPAY_REASONS)[number];

export type ContributionRatioCode = '010' | '020' | '030';

export interface CopayDetermination {
  /** InsuredPartialContributionRatio */
  ratioCode: ContributionRatioCode;
  /** 0.1, 0.2 or 0.3 */
  ratio: number;
  reason: CopayReason;
  /** 未就学 (before compulsory schooling). */
  preschool: boolean;
  /** PreschoolClassification (OQSCD015): '1' 未就学該当, null (field omitted) otherwise. */
  preschoolClassification: '1' | null;
  /** The date this ratio applies from (the start of the bracket), for explanations. */
  bracketFrom: IsoDate;
}

/** 2割 for 一定以上所得 後期高齢者 applies to care on or after this date. */
export const LATE_ELDERLY_CERTAIN_INCOME_FROM = '2022-10-01';

/** The last day of the preschool ratio: the first 31 March on or after the day the child reaches 6. */
export function preschoolEnd(birthDate: IsoDate): IsoDate {
  const reaches6 = addDays(addYears(birthDate, 6), -1);
  const { year, month } = dateParts(reaches6);
  return isoDate(month <= 3 ? year : year + 1, 3, 31);
}

/** First day of the 70–74 ratio. */
export function elderlyFrom(birthDate: IsoDate): IsoDate {
  const reaches70 = addDays(addYears(birthDate, 70), -1);
  const { year, month } = dateParts(reaches70);
  return month === 12 ? isoDate(year + 1, 1, 1) : isoDate(year, month + 1, 1);
}

/** First day of 後期高齢者医療: the 75th birthday. */
export function lateElderlyFrom(birthDate: IsoDate): IsoDate {
  return addYears(birthDate, 75);
}

function ratio(
  code: ContributionRatioCode,
  reason: CopayReason,
  bracketFrom: IsoDate,
  preschool = false,
): CopayDetermination {
  return {
    ratioCode: code,
    ratio: Number(code) / 100,
    reason,
    preschool,
    preschoolClassification: preschool ? '1' : null,
    bracketFrom,
  };
}

/**
 * The copay ratio on the date of care. Callers validate the dates; care before the birth date is a
 * caller error and throws RangeError.
 */
export function determineCopay(
  birthDate: IsoDate,
  dateOfCare: IsoDate,
  incomeClass: IncomeClass = 'general',
): CopayDetermination {
  if (dateOfCare < birthDate) throw new RangeError('the date of care is before the birth date');
  const lastPreschoolDay = preschoolEnd(birthDate);
  if (dateOfCare <= lastPreschoolDay) return ratio('020', 'PRESCHOOL', birthDate, true);
  const from70 = elderlyFrom(birthDate);
  if (dateOfCare < from70) return ratio('030', 'WORKING_AGE', addDays(lastPreschoolDay, 1));
  const from75 = lateElderlyFrom(birthDate);
  if (dateOfCare < from75) {
    return incomeClass === 'active-equivalent'
      ? ratio('030', 'ELDERLY_70_74_ACTIVE_EQUIVALENT', from70)
      : ratio('020', 'ELDERLY_70_74', from70);
  }
  if (incomeClass === 'active-equivalent') {
    return ratio('030', 'LATE_ELDERLY_ACTIVE_EQUIVALENT', from75);
  }
  if (incomeClass === 'certain-income' && dateOfCare >= LATE_ELDERLY_CERTAIN_INCOME_FROM) {
    return ratio(
      '020',
      'LATE_ELDERLY_CERTAIN_INCOME',
      from75 > LATE_ELDERLY_CERTAIN_INCOME_FROM ? from75 : LATE_ELDERLY_CERTAIN_INCOME_FROM,
    );
  }
  return ratio('010', 'LATE_ELDERLY', from75);
}
