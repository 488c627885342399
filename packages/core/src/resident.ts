import { isIsoDate } from './dates.js';
import { isKatakanaName, toFullWidthKana } from './kana.js';

/** The five facts J-LIS holds about a resident (住民票), as its control API takes them. */
export interface ResidentFacts {
  name: string;
  nameKana: string;
  birthDate: string;
  sex: string;
  address: string;
}

export interface ResidentProblem {
  field: keyof ResidentFacts;
  reason: string;
}

/**
 * The first problem with (some of) a resident's facts, or undefined: a birth date after `today`
 * (JST) or not a date, a カナ氏名 that is not katakana, an empty 氏名 or 住所, a sex other than
 * 1, 2 or 3. Only the facts given are checked, so a change can carry just the ones that changed.
 */
export function residentProblem(
  facts: Partial<ResidentFacts>,
  today: string,
): ResidentProblem | undefined {
  if (facts.name !== undefined && facts.name.trim() === '') {
    return { field: 'name', reason: 'empty' };
  }
  if (facts.nameKana !== undefined && !isKatakanaName(facts.nameKana)) {
    return { field: 'nameKana', reason: 'not a katakana name' };
  }
  if (facts.birthDate !== undefined) {
    if (!isIsoDate(facts.birthDate))
      return { field: 'birthDate', reason: 'not a date (YYYY-MM-DD)' };
    if (facts.birthDate > today) return { field: 'birthDate', reason: 'after today' };
  }
  if (facts.sex !== undefined && !['1', '2', '3'].includes(facts.sex)) {
    return { field: 'sex', reason: "not '1', '2' or '3'" };
  }
  if (facts.address !== undefined && facts.address.trim() === '') {
    return { field: 'address', reason: 'empty' };
  }
  return undefined;
}

/** The facts as J-LIS stores them: カナ氏名 in full-width katakana. */
export function residentStorageForm<T extends Partial<ResidentFacts>>(facts: T): T {
  return facts.nameKana === undefined
    ? facts
    : { ...facts, nameKana: toFullWidthKana(facts.nameKana) };
}
