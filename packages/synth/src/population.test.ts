import { describe, expect, it } from 'vitest';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { isValidInsurerNumber } from '@shikaku/core/insurer-number';
import { isLateElderlyInsurer, parseInsuredCard } from '@shikaku/core/insured-card';
import { TOWNS } from './word-lists.js';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './names.js';
import { NATIONAL_INSURED, INSURER_TYPES, INSURERS } from './insurers.js';
import {
  CHUNK_SIZE,
  generatePopulation,
  myNumberOf,
  personAt,
  personIndexOfMyNumber,
  type SyntheticPerson,
} from './population.js';

const options = { seed: 42, size: 50_000, asOf: '2024-06-01' };
const people: SyntheticPerson[] = [...generatePopulation(options)];

describe('generatePopulation', () => {
  it('gives the same population for the same seed, and a different one for another seed', () => {
    const again = [...generatePopulation({ ...options, size: 2000 })];
    expect(again).toEqual(people.slice(0, 2000));
    const other = [...generatePopulation({ ...options, seed: 43, size: 2000 })];
    expect(other.map((p) => p.myNumber)).not.toEqual(again.map((p) => p.myNumber));
  });

  it('pins a person so that a change in generation shows up in review', () => {
    const p = personAt({ seed: 1, size: 10, asOf: '2024-06-01' }, 0);
    expect(p.myNumber).toBe(myNumberOf(1, 0));
    expect(isValidMyNumber(p.myNumber)).toBe(true);
    expect(p.index).toBe(0);
  });

  it('generates any range on its own with the same persons as a full run', () => {
    const from = CHUNK_SIZE * 3 - 7;
    const slice = [...generatePopulation({ ...options, from, to: from + 20 })];
    expect(slice).toEqual(people.slice(from, from + 20));
    expect(personAt(options, 12_345)).toEqual(people[12_345]);
  });

  it('gives every person a unique valid My Number that maps back to them', () => {
    const numbers = new Set(people.map((p) => p.myNumber));
    expect(numbers.size).toBe(people.length);
    for (const p of people.slice(0, 500)) {
      expect(isValidMyNumber(p.myNumber)).toBe(true);
      expect(personIndexOfMyNumber(options.seed, options.size, p.myNumber)).toBe(p.index);
    }
    expect(personIndexOfMyNumber(options.seed, 10, people[20]!.myNumber)).toBe(-1);
  });

  it('gives kana that is the reading of the kanji name', () => {
    const reading = new Map<string, Set<string>>();
    for (const [kanji, kana] of [...FAMILY_NAMES, ...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES]) {
      reading.set(kanji, (reading.get(kanji) ?? new Set()).add(kana));
    }
    for (const p of people.slice(0, 2000)) {
      const [family, given] = p.name.split('\u3000');
      const [familyKana, givenKana] = p.nameKana.split('\u3000');
      expect(reading.get(family!)?.has(familyKana!)).toBe(true);
      expect(reading.get(given!)?.has(givenKana!)).toBe(true);
    }
  });

  it('reproduces the national insurer shares within 2 points', () => {
    const total = Object.values(NATIONAL_INSURED).reduce((s, n) => s + n, 0);
    for (const type of INSURER_TYPES) {
      const share = people.filter((p) => p.insurerType === type).length / people.length;
      expect(Math.abs(share - NATIONAL_INSURED[type] / total)).toBeLessThan(0.02);
    }
  });

  it('has an age pyramid: 75+ are 12–18%, under-15 are 9–15%', () => {
    const age = (p: SyntheticPerson) =>
      Number(options.asOf.slice(0, 4)) -
      Number(p.birthDate.slice(0, 4)) -
      (options.asOf.slice(5) < p.birthDate.slice(5) ? 1 : 0);
    const old = people.filter((p) => age(p) >= 75).length / people.length;
    const young = people.filter((p) => age(p) < 15).length / people.length;
    expect(old).toBeGreaterThan(0.12);
    expect(old).toBeLessThan(0.18);
    expect(young).toBeGreaterThan(0.09);
    expect(young).toBeLessThan(0.15);
    expect(people.every((p) => p.insurerType !== 'koki' || age(p) >= 75)).toBe(true);
  });

  it('gives valid insurer numbers and cards: 後期高齢者 without 記号, others with one', () => {
    for (const p of people.slice(0, 5000)) {
      expect(isValidInsurerNumber(p.insurerNumber)).toBe(true);
      expect(isLateElderlyInsurer(p.insurerNumber)).toBe(p.insurerType === 'koki');
      const card = parseInsuredCard({
        insurerNumber: p.insurerNumber,
        symbol: p.insuredCardSymbol,
        number: p.insuredIdentificationNumber,
        branch: p.insuredBranchNumber,
      });
      expect(card.ok).toBe(true);
      expect(p.qualificationDate >= p.birthDate).toBe(true);
      expect(p.qualificationDate <= options.asOf).toBe(true);
    }
    expect(INSURERS.length).toBeGreaterThan(3300);
    expect(INSURERS.length).toBeLessThan(3500);
  });

  it('keeps a household on one card: same insurer, 記号 and 番号, distinct 枝番, dependents as 家族', () => {
    const cards = new Map<string, SyntheticPerson[]>();
    for (const p of people) {
      const key = `${p.insurerNumber}/${p.insuredCardSymbol}/${p.insuredIdentificationNumber}`;
      cards.set(key, [...(cards.get(key) ?? []), p]);
    }
    let families = 0;
    for (const members of cards.values()) {
      const branches = new Set(members.map((m) => m.insuredBranchNumber));
      expect(branches.size).toBe(members.length);
      if (members.some((m) => m.personalFamilyClassification === '2')) families++;
    }
    expect(families).toBeGreaterThan(1000);
  });

  it('rejects bad options', () => {
    expect(() => [...generatePopulation({ ...options, asOf: '2024-02-30' })]).toThrow(RangeError);
    expect(() => [...generatePopulation({ ...options, size: -1 })]).toThrow(RangeError);
  });
});

describe('faker-made street parts and contact details', () => {
  it('are the same on every load (pinned faker, fixed seed) and keep the hand-made towns first', () => {
    expect(TOWNS).toHaveLength(256);
    expect(new Set(TOWNS).size).toBe(256);
    expect(TOWNS.slice(0, 2)).toEqual(['本町', '中央']);
    // Pinned: a faker upgrade that changes its ja data shows up here, not as silently new addresses.
    expect(TOWNS.slice(20, 24)).toEqual(['石原町', '小柳町', '村田町', '渋谷町']);
  });

  it('give every person a Japanese phone number and adults an e-mail address, by seed', () => {
    const people = [...generatePopulation({ seed: 5, size: 3000, asOf: '2024-06-01' })];
    const again = [...generatePopulation({ seed: 5, size: 3000, asOf: '2024-06-01' })];
    expect(again.map((p) => [p.phoneNumber, p.email])).toEqual(
      people.map((p) => [p.phoneNumber, p.email]),
    );
    const emails = new Set<string>();
    const childLines = new Map<number, string>();
    let mobiles = 0;
    let adults = 0;
    for (const p of people) {
      expect(p.phoneNumber).toMatch(/^0[1-9][0-9]{0,3}-[0-9]{1,4}-[0-9]{4}$/);
      const age = Number('2024') - Number(p.birthDate.slice(0, 4));
      if (age >= 16) {
        adults++;
        expect(p.email).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$/);
        emails.add(p.email!);
        if (/^0[789]0-/.test(p.phoneNumber)) mobiles++;
      }
      if (age <= 14) {
        expect(p.email).toBeNull();
        // Children are reached on the household's one fixed line.
        const line = childLines.get(p.householdId);
        if (line !== undefined) expect(p.phoneNumber).toBe(line);
        childLines.set(p.householdId, p.phoneNumber);
      }
    }
    expect(emails.size).toBe(adults);
    expect(mobiles / adults).toBeGreaterThan(0.6);
    expect(mobiles / adults).toBeLessThan(0.8);
  });
});
