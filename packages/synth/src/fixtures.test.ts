import { describe, expect, it } from 'vitest';
import { isValidInstitutionCode } from '@shikaku/core/institution-code';
import { generateEligibilityFixtures } from './fixtures.js';
import { generateInstitutions, NATIONAL_FACILITIES } from './institutions.js';
import { generatePopulation } from './population.js';

describe('generateEligibilityFixtures', () => {
  const options = { seed: 7, size: 3000, asOf: '2024-06-01' };
  const fixtures = generateEligibilityFixtures(options);

  it('never carries a My Number', () => {
    const text = JSON.stringify(fixtures);
    for (const person of generatePopulation(options)) {
      expect(text.includes(person.myNumber)).toBe(false);
    }
    expect(Object.keys(fixtures.members[0]!)).not.toContain('myNumber');
  });

  it('gives a certificate serial only for linked cards, and YYYYMMDD birth dates', () => {
    const people = [...generatePopulation(options)];
    fixtures.members.forEach((f, i) => {
      const p = people[i]!;
      expect(f.certificateSerial !== null).toBe(p.card?.linkedForInsurance === true);
      expect(f.birthDate).toBe(p.birthDate.replaceAll('-', ''));
    });
    expect(fixtures.members.some((f) => f.certificateSerial !== null)).toBe(true);
  });
});

describe('generateInstitutions', () => {
  it('scales the national counts with valid, unique codes of the right 点数表', () => {
    const list = generateInstitutions({ seed: 3, scale: 0.01 });
    expect(list.filter((i) => i.facilityType === 'clinic')).toHaveLength(
      Math.round(NATIONAL_FACILITIES.clinic * 0.01),
    );
    expect(new Set(list.map((i) => i.institutionCode)).size).toBe(list.length);
    for (const i of list) {
      expect(isValidInstitutionCode(i.institutionCode)).toBe(true);
      const table = i.institutionCode[2];
      expect(table).toBe(
        i.facilityType === 'dental' ? '3' : i.facilityType === 'pharmacy' ? '4' : '1',
      );
    }
    expect(generateInstitutions({ seed: 3, scale: 0.01 })).toEqual(list);
  });
});
