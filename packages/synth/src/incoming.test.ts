import { describe, expect, it } from 'vitest';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { allocateMemberColumns, fillMemberColumns } from './columnar.js';
import { daysFromIso } from './days.js';
import {
  allocateIncomingColumns,
  fillIncomingColumns,
  generateIncomingRows,
  INCOMING_PATTERNS,
  PATTERNS,
  populationSizeFor,
} from './incoming.js';
import { kanaIdOf, myNumberOf, personAt } from './population.js';

const options = { seed: 11, existing: 20_000, incoming: 4_000, asOf: '2021-07-15' };
const size = populationSizeFor(options);
const population = allocateMemberColumns(size);
fillMemberColumns({ seed: options.seed, size, asOf: options.asOf }, 0, size, population);
const cols = allocateIncomingColumns(options.incoming);
fillIncomingColumns(options, population, cols);
const rows = [...generateIncomingRows(options)];

describe('incoming registrations', () => {
  it('agree between the row file and the columns, row by row', () => {
    expect(rows).toHaveLength(options.incoming);
    rows.forEach(({ row, pattern, subject }, j) => {
      expect(INCOMING_PATTERNS[cols.pattern[j]!]).toBe(pattern);
      expect(cols.subject[j]).toBe(subject);
      expect(Number(row.myNumber)).toBe(cols.myNumber[j]);
      expect(daysFromIso(row.birthDate)).toBe(cols.birthDays[j]);
      expect(kanaIdOf(row.nameKana)).toBe(cols.kanaId[j]);
      expect(isValidMyNumber(row.myNumber)).toBe(true);
    });
  });

  it('injects each pattern near its share, with ground truth', () => {
    for (const p of INCOMING_PATTERNS) {
      const share = rows.filter((r) => r.pattern === p).length / rows.length;
      expect(Math.abs(share - PATTERNS[p].perMille / 1000)).toBeLessThan(0.02);
      expect(rows.filter((r) => r.pattern === p).every((r) => r.error === PATTERNS[p].error)).toBe(
        true,
      );
    }
  });

  it('builds each pattern as described', () => {
    const person = (i: number) => personAt({ seed: options.seed, size, asOf: options.asOf }, i);
    const seen = new Set<string>();
    for (const { row, pattern, subject } of rows) {
      if (seen.has(pattern)) continue;
      seen.add(pattern);
      const s = person(subject);
      const own = myNumberOf(options.seed, subject);
      switch (pattern) {
        case 'job-change':
          expect(row.myNumber).toBe(own);
          expect(row.nameKana).toBe(s.nameKana);
          expect(subject).toBeLessThan(options.existing);
          break;
        case 'kana-width-variant':
          expect(row.nameKana).not.toBe(s.nameKana);
          expect(kanaIdOf(row.nameKana)).toBe(kanaIdOf(s.nameKana));
          break;
        case 'new-member':
        case 'jlis-disagree':
          expect(subject).toBeGreaterThanOrEqual(options.existing);
          expect(row.myNumber).toBe(own);
          expect(row.nameKana === s.nameKana).toBe(pattern === 'new-member');
          break;
        case 'wrong-number': {
          const owner = Number(row.myNumber);
          expect(row.myNumber).not.toBe(own);
          const ownerIndex = [...population.myNumber.subarray(0, options.existing)].indexOf(owner);
          expect(ownerIndex).toBeGreaterThanOrEqual(0);
          break;
        }
        case 'wrong-number-same-facts':
          expect(row.myNumber).not.toBe(own);
          break;
        case 'wrong-number-unregistered': {
          const ownerIndex = [...population.myNumber].indexOf(Number(row.myNumber));
          expect(ownerIndex).toBeGreaterThanOrEqual(options.existing);
          break;
        }
        case 'birth-date-typo':
          expect(row.myNumber).toBe(own);
          expect(row.birthDate).not.toBe(s.birthDate);
          break;
        case 'twins':
          expect(row.birthDate).toBe(s.birthDate);
          expect(row.nameKana.split('\u3000')[0]).toBe(s.nameKana.split('\u3000')[0]);
          expect(row.nameKana).not.toBe(s.nameKana);
          break;
      }
    }
    expect(seen.size).toBe(INCOMING_PATTERNS.length);
  });

  it('is reproducible from the seed, from any starting row', () => {
    expect([...generateIncomingRows(options, 1000, 1010)]).toEqual(rows.slice(1000, 1010));
  });
});
