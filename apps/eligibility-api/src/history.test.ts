import { describe, expect, it } from 'vitest';
import {
  ADULT_ACUTE,
  CHILD_ACUTE,
  CHRONIC,
  checkupHistory,
  drugHistory,
  specificCheckupEligible,
  type HistorySubject,
} from './history.js';

const ON = '2021-07-15';
/** Persons born every ~37 days from 1920 to 2021, both sexes. */
const PEOPLE: HistorySubject[] = Array.from({ length: 1000 }, (_, i) => ({
  personRef: `p${i}`,
  birthDate: new Date(Date.UTC(1920, 0, 1) + i * 37 * 86_400_000).toISOString().slice(0, 10),
  sex: i % 2 === 0 ? '1' : '2',
}));
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
function ageOn(birth: string, on: string): number {
  let age = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  if (on.slice(5) < birth.slice(5)) age--;
  return age;
}

describe('synthetic histories', () => {
  it('are the same on every call, per seed and person', () => {
    const p = PEOPLE[700]!;
    expect(drugHistory(1, p, ON)).toEqual(drugHistory(1, { ...p }, ON));
    expect(checkupHistory(1, p, ON)).toEqual(checkupHistory(1, { ...p }, ON));
    expect(drugHistory(2, p, ON)).not.toEqual(drugHistory(1, p, ON));
  });

  it('do not move when the clock does: a later view shows the same records, less the expired', () => {
    for (const p of PEOPLE.slice(0, 400)) {
      for (const [history, years] of [
        [drugHistory, 3],
        [checkupHistory, 5],
      ] as const) {
        const key = (r: object) => JSON.stringify(r);
        const before = history(1, p, ON).map(key);
        const later = addDays(ON, 40);
        const after = history(1, p, later);
        const windowStart = `${Number(later.slice(0, 4)) - years}${later.slice(4)}`;
        const date = (r: object) => Object.values(r)[0] as string;
        // Every record of the earlier view still inside the later window is there, unchanged …
        const kept = history(1, p, ON).filter((r) => date(r) > windowStart);
        expect(after.map(key)).toEqual(expect.arrayContaining(kept.map(key)));
        // … and what the later view adds is dated after the earlier as-of date.
        for (const r of after)
          if (!before.includes(key(r))) expect(date(r) > ON, key(r)).toBe(true);
      }
    }
  });

  it('stay inside 3 / 5 years up to the as-of date and never before birth', () => {
    let drugs = 0;
    let checkups = 0;
    for (const p of PEOPLE) {
      for (const r of drugHistory(1, p, ON)) {
        drugs++;
        expect(r.dispensedOn > '2018-07-15' && r.dispensedOn <= ON).toBe(true);
        expect(r.dispensedOn >= p.birthDate, `${p.birthDate} ${r.dispensedOn}`).toBe(true);
      }
      for (const r of checkupHistory(1, p, ON)) {
        checkups++;
        expect(r.checkedOn > '2016-07-15' && r.checkedOn <= ON).toBe(true);
      }
    }
    expect(drugs).toBeGreaterThan(1000);
    expect(checkups).toBeGreaterThan(500);
    // A newborn: no checkup, nothing dispensed before the birth.
    const newborn = { personRef: 'newborn', birthDate: '2021-07-01', sex: '2' };
    expect(checkupHistory(1, newborn, ON)).toEqual([]);
    for (const s of [1, 2, 3, 4, 5, 6, 7, 8])
      for (const r of drugHistory(s, newborn, ON)) expect(r.dispensedOn >= '2021-07-01').toBe(true);
  });

  it('特定健診: a fiscal year in which the person turns 40 or is older, until the 75th birthday', () => {
    // Turns 40 on 2021-09-01, inside FY2021 (2021-04-01 … 2022-03-31): eligible from its start.
    expect(specificCheckupEligible('1981-09-01', '2021-05-10')).toBe(true);
    expect(specificCheckupEligible('1981-09-01', '2021-03-31')).toBe(false);
    // Born 1 April: reaches 40 on 2022-03-31 by law, inside FY2021.
    expect(specificCheckupEligible('1982-04-01', '2021-04-01')).toBe(true);
    // Turns 40 on 2022-04-02, in FY2022.
    expect(specificCheckupEligible('1982-04-02', '2022-03-31')).toBe(false);
    expect(specificCheckupEligible('1982-04-02', '2022-04-01')).toBe(true);
    // 75 on 2021-07-01: a 後期高齢者 from that day.
    expect(specificCheckupEligible('1946-07-01', '2021-06-30')).toBe(true);
    expect(specificCheckupEligible('1946-07-01', '2021-07-01')).toBe(false);
    expect(specificCheckupEligible('19460701', '20210630')).toBe(true);
    for (const p of PEOPLE) {
      for (const r of checkupHistory(1, p, ON)) {
        const age = ageOn(p.birthDate, r.checkedOn);
        expect(age >= 39 && age <= 74, `${p.birthDate} ${r.checkedOn}`).toBe(true);
        expect(specificCheckupEligible(p.birthDate, r.checkedOn)).toBe(true);
      }
    }
  });

  it('特定健診 uptake is the national 56.5 % of eligible person-years, within sampling error', () => {
    // Persons 45–68 on the as-of date are eligible in each of the 5 fiscal years in the window.
    const eligible = PEOPLE.filter((p) => {
      const age = ageOn(p.birthDate, ON);
      return age >= 45 && age <= 68;
    });
    let years = 0;
    let taken = 0;
    for (const p of eligible) {
      years += 5;
      taken += checkupHistory(7, p, '2021-03-31').length;
    }
    // Take-up varies by person (the same people go every year), so the persons are the sample.
    const share = taken / years;
    const sigma = Math.sqrt(0.25 / eligible.length);
    expect(Math.abs(share - 0.565)).toBeLessThan(3 * sigma);
  });

  it('drugs and measurements follow age and sex', () => {
    const childNames = new Set(CHILD_ACUTE.map((d) => d.name));
    const adultNames = new Set(ADULT_ACUTE.map((d) => d.name));
    const chronic = new Map(CHRONIC.map((c) => [c.drug.name, c]));
    const height: Record<string, number[]> = { '1': [], '2': [] };
    const systolic: Record<string, number[]> = { forties: [], seventies: [] };
    for (const p of PEOPLE) {
      for (const r of drugHistory(3, p, ON)) {
        const age = ageOn(p.birthDate, r.dispensedOn);
        const c = chronic.get(r.drugName);
        if (c) {
          expect(age, r.drugName).toBeGreaterThanOrEqual(c.onsetFrom);
          if (c.sex) expect(p.sex).toBe(String(c.sex));
        } else if (age < 15) expect(childNames.has(r.drugName), r.drugName).toBe(true);
        else expect(adultNames.has(r.drugName), r.drugName).toBe(true);
      }
      for (const r of checkupHistory(3, p, ON)) {
        height[p.sex]!.push(r.heightCm);
        const age = ageOn(p.birthDate, r.checkedOn);
        if (age < 50) systolic.forties!.push(r.systolic);
        if (age >= 70) systolic.seventies!.push(r.systolic);
        expect(r.diastolic).toBeLessThan(r.systolic);
        expect(r.hba1c >= 4.5 && r.hba1c <= 9).toBe(true);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(height['1']!)).toBeGreaterThan(mean(height['2']!) + 8);
    expect(mean(systolic.seventies!)).toBeGreaterThan(mean(systolic.forties!) + 8);
  });
});
