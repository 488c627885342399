// Synthetic drug (薬剤情報) and specific health checkup (特定健診) histories. Every record is drawn
// from (seed, personRef) and a calendar period alone, on absolute dates, so a person shows the same
// history on every call, in every process and after a restart; moving the clock only lets records
// into or out of the 3-year / 5-year window, it never moves them. Records follow the person's age
// and sex: nothing before birth, 特定健診 only in a fiscal year in which the person is 40 to 74
// (高齢者の医療の確保に関する法律 第20条; sources and figures in docs/decisions.md, "Synthetic drug
// and checkup histories"), drugs and measurements by age and sex.
import { createHash } from 'node:crypto';
import { seededRandom } from '@shikaku/core/seeded-random';

export interface DrugRecord {
  dispensedOn: string;
  drugName: string;
  quantity: number;
  days: number;
}

export interface CheckupRecord {
  checkedOn: string;
  heightCm: number;
  weightKg: number;
  /** 腹囲 (waist circumference), a 特定健診 item. */
  waistCm: number;
  systolic: number;
  diastolic: number;
  hba1c: number;
}

/** Who the history is of: the reference and the facts it must agree with. */
export interface HistorySubject {
  personRef: string;
  /** YYYY-MM-DD or YYYYMMDD. */
  birthDate: string;
  /** 1 male, 2 female, 3 unset (OQS Sex1). */
  sex: string;
}

// ---- dates as days since 1970-01-01 (UTC) ---------------------------------------------------

const DAY = 86_400_000;
const toDays = (iso: string) => {
  const s = iso.length === 8 ? `${iso.slice(0, 4)}-${iso.slice(4, 6)}-${iso.slice(6)}` : iso;
  return Math.floor(Date.parse(`${s}T00:00:00Z`) / DAY);
};
const isoOf = (days: number) => new Date(days * DAY).toISOString().slice(0, 10);
const yearOf = (days: number) => new Date(days * DAY).getUTCFullYear();
/** The day `years` calendar years after `days` (29 February → 1 March, as Date.UTC rolls over). */
const plusYears = (days: number, years: number) => {
  const d = new Date(days * DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / DAY);
};
/** Completed years of age on `on` (a birthday counts from its day). */
function ageOn(birth: number, on: number): number {
  let age = yearOf(on) - yearOf(birth);
  if (plusYears(birth, age) > on) age--;
  return age;
}

/** A generator for one person and one purpose: the same inputs give the same draws. */
function generator(seed: number, personRef: string, salt: string): () => number {
  return seededRandom(
    createHash('sha256').update(`${seed}:${salt}:${personRef}`).digest().readUInt32LE(0),
  );
}

// ---- drugs ------------------------------------------------------------------------------------

interface Drug {
  name: string;
  /** Units per day (tablets, grams, patches). */
  perDay: number;
}
/** Short courses for children under 15 (granules, dry syrups, a patch). */
export const CHILD_ACUTE: readonly Drug[] = [
  { name: 'アセトアミノフェン細粒20%', perDay: 1 },
  { name: 'カルボシステインDS50%', perDay: 1 },
  { name: 'アモキシシリン細粒10%', perDay: 1 },
  { name: 'ツロブテロールテープ0.5mg', perDay: 1 },
  { name: 'オロパタジン塩酸塩顆粒0.5%', perDay: 1 },
];
export const ADULT_ACUTE: readonly Drug[] = [
  { name: 'ロキソプロフェンナトリウム錠60mg', perDay: 3 },
  { name: 'レバミピド錠100mg', perDay: 3 },
  { name: 'カルボシステイン錠500mg', perDay: 3 },
  { name: 'フェキソフェナジン塩酸塩錠60mg', perDay: 2 },
  { name: 'ランソプラゾールOD錠15mg', perDay: 1 },
  { name: 'クラリスロマイシン錠200mg', perDay: 2 },
  { name: 'セレコキシブ錠100mg', perDay: 2 },
];

/**
 * Long-term conditions: each person draws once whether and at what age one starts; from then on a
 * refill every 28 or 56 days. `sex` 2 = women only.
 */
interface Chronic {
  drug: Drug;
  lifetime: number;
  onsetFrom: number;
  onsetTo: number;
  sex?: 2;
}
export const CHRONIC: readonly Chronic[] = [
  { drug: { name: 'アムロジピン錠5mg', perDay: 1 }, lifetime: 0.5, onsetFrom: 40, onsetTo: 85 },
  {
    drug: { name: 'アトルバスタチン錠10mg', perDay: 1 },
    lifetime: 0.3,
    onsetFrom: 45,
    onsetTo: 80,
  },
  {
    drug: { name: 'メトホルミン塩酸塩錠250mg', perDay: 2 },
    lifetime: 0.15,
    onsetFrom: 45,
    onsetTo: 80,
  },
  {
    drug: { name: 'アレンドロン酸錠35mg', perDay: 1 / 7 },
    lifetime: 0.25,
    onsetFrom: 55,
    onsetTo: 85,
    sex: 2,
  },
];
const DIABETES = 2;

/** Onset age of each chronic condition for this person (Infinity: never). */
function chronicOnsets(seed: number, subject: HistorySubject): number[] {
  const next = generator(seed, subject.personRef, 'chronic');
  return CHRONIC.map((c) => {
    const has = next() < c.lifetime;
    const onset = c.onsetFrom + next() * (c.onsetTo - c.onsetFrom);
    return has && (c.sex === undefined || subject.sex === String(c.sex)) ? onset : Infinity;
  });
}

/** Acute episodes a year by age: small children and the old see a doctor most. */
function acutePerYear(age: number): number {
  if (age < 6) return 5;
  if (age < 15) return 2.5;
  if (age < 40) return 1.5;
  if (age < 65) return 2;
  return 3;
}

const DRUG_WINDOW_YEARS = 3;

/** Dispensings within the 3 years up to `on`, newest first. */
export function drugHistory(seed: number, subject: HistorySubject, on: string): DrugRecord[] {
  const today = toDays(on);
  const birth = toDays(subject.birthDate);
  const from = plusYears(today, -DRUG_WINDOW_YEARS);
  const records: DrugRecord[] = [];
  const keep = (day: number, drug: Drug, days: number) => {
    if (day <= from || day > today || day < birth) return;
    records.push({
      dispensedOn: isoOf(day),
      drugName: drug.name,
      quantity: Math.max(1, Math.round(drug.perDay * days)),
      days,
    });
  };
  const onsets = chronicOnsets(seed, subject);
  for (let year = yearOf(from); year <= yearOf(today); year++) {
    const start = Math.floor(Date.UTC(year, 0, 1) / DAY);
    // Acute episodes of this calendar year: their count and days drawn from the year alone.
    const next = generator(seed, subject.personRef, `drug:${year}`);
    const age = ageOn(birth, Math.max(birth, start + 182));
    const episodes = Math.floor(next() * 2 * acutePerYear(age));
    for (let e = 0; e < episodes; e++) {
      const day = start + Math.floor(next() * 365);
      const list = ageOn(birth, Math.max(birth, day)) < 15 ? CHILD_ACUTE : ADULT_ACUTE;
      const drug = list[Math.floor(next() * list.length)]!;
      keep(day, drug, 3 + Math.floor(next() * 12));
    }
    // Refills of the long-term drugs, every 28 or 56 days from the condition's onset.
    CHRONIC.forEach((c, k) => {
      const onsetAge = onsets[k]!;
      if (!Number.isFinite(onsetAge)) return;
      const onset = birth + Math.floor(onsetAge * 365.2425);
      const every = generator(seed, subject.personRef, `refill:${k}`)() < 0.5 ? 28 : 56;
      const first = Math.max(onset, start);
      let day = onset + Math.ceil((first - onset) / every) * every;
      for (; yearOf(day) === year; day += every) keep(day, c.drug, every);
    });
  }
  return records.sort(
    (a, b) => b.dispensedOn.localeCompare(a.dispensedOn) || a.drugName.localeCompare(b.drugName),
  );
}

// ---- 特定健診 ----------------------------------------------------------------------------------

const CHECKUP_WINDOW_YEARS = 5;
/** 2021年度 特定健診実施率 (all insurers): 56.5 %. */
const UPTAKE = 0.565;

/**
 * Whether a person may have a 特定健診 on `day`: they reach 40 within its fiscal year (April–March)
 * or are older, and are not yet 75 (from the 75th birthday they are in the 後期高齢者 scheme, whose
 * checkup is another one). By law an age is reached the day before the birthday (年齢計算ニ関スル
 * 法律), so one born on 1 April reaches 40 on 31 March: age on the next 1 April counts.
 */
export function specificCheckupEligible(birthDate: string, day: string): boolean {
  const birth = toDays(birthDate);
  const d = toDays(day);
  const date = new Date(d * DAY);
  const fiscalYear = date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  const nextFiscalStart = Math.floor(Date.UTC(fiscalYear + 1, 3, 1) / DAY);
  return ageOn(birth, nextFiscalStart) >= 40 && ageOn(birth, d) < 75;
}

/**
 * Median height (cm) and weight (kg) by sex and age band, 平成30・令和元年国民健康・栄養調査
 * (日本人の食事摂取基準 2025年版, 参考表1・2): 18–29, 30–49, 50–64, 65–74, 75+.
 */
const BODY = {
  male: { height: [172.0, 171.8, 169.7, 165.3, 162.0], weight: [63.0, 70.0, 69.1, 64.4, 61.0] },
  female: { height: [158.0, 158.5, 156.4, 152.2, 148.3], weight: [51.0, 53.3, 54.0, 52.6, 49.3] },
} as const;
const band = (age: number) => (age < 30 ? 0 : age < 50 ? 1 : age < 65 ? 2 : age < 75 ? 3 : 4);

/** Yearly 特定健診 within the 5 years up to `on`, newest first. */
export function checkupHistory(seed: number, subject: HistorySubject, on: string): CheckupRecord[] {
  const today = toDays(on);
  const birth = toDays(subject.birthDate);
  const from = plusYears(today, -CHECKUP_WINDOW_YEARS);
  const body = BODY[subject.sex === '2' ? 'female' : 'male'];
  const person = generator(seed, subject.personRef, 'checkup');
  // Fixed for the person: how often they go, their build and blood pressure relative to the median.
  const propensity = Math.min(1, Math.max(0, UPTAKE + (person() - 0.5)));
  const heightZ = person() * 2 - 1;
  const bmiFactor = 0.85 + person() * 0.35;
  const pressure = person() * 2 - 1;
  const diabetesOnset = chronicOnsets(seed, subject)[DIABETES]!;
  const records: CheckupRecord[] = [];
  const firstFiscal = yearOf(from) - 1;
  for (let fy = firstFiscal; fy <= yearOf(today); fy++) {
    const next = generator(seed, subject.personRef, `checkup:${fy}`);
    const day = Math.floor(Date.UTC(fy, 3, 1) / DAY) + Math.floor(next() * 365);
    if (day <= from || day > today || next() >= propensity) continue;
    if (!specificCheckupEligible(isoOf(birth), isoOf(day))) continue;
    const age = ageOn(birth, day);
    const b = band(age);
    const heightCm = Math.round((body.height[b]! + heightZ * 6) * 10) / 10;
    const weightKg = Math.round(body.weight[b]! * bmiFactor * (0.98 + next() * 0.04) * 10) / 10;
    const bmi = weightKg / (heightCm / 100) ** 2;
    const systolic = Math.round(112 + 0.6 * (age - 40) + pressure * 12 + (next() - 0.5) * 8);
    records.push({
      checkedOn: isoOf(day),
      heightCm,
      weightKg,
      waistCm: Math.round((bmi * 3.3 + (subject.sex === '2' ? 4 : 8) + next() * 3) * 10) / 10,
      systolic,
      diastolic: Math.round(systolic * 0.6 + 4 + (next() - 0.5) * 6),
      hba1c:
        Math.round(
          (age >= diabetesOnset ? 6.5 + next() * 1.3 : 5.3 + age * 0.006 + next() * 0.4) * 10,
        ) / 10,
    });
  }
  return records.sort((a, b) => b.checkedOn.localeCompare(a.checkedOn));
}

/** The items of a drug or checkup view: none for a person without a stored qualification. */
export function informationItems(
  seed: number,
  kind: 'drug-information' | 'checkup-information',
  subject: HistorySubject | undefined,
  on: string,
): DrugRecord[] | CheckupRecord[] {
  if (subject === undefined) return [];
  return kind === 'drug-information'
    ? drugHistory(seed, subject, on)
    : checkupHistory(seed, subject, on);
}
