import { describe, expect, it } from 'vitest';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { allocateMemberColumns, fillMemberColumns, type MemberColumns } from './columnar.js';
import { daysFromIso } from './days.js';
import {
  CHANGES,
  DEFAULT_ERROR_MODEL,
  MECHANISMS,
  cloneErrorModel,
  mechanismShares,
  setRate,
  type ErrorModel,
} from './error-model.js';
import {
  allocateIncomingColumns,
  CHANGE_BIT,
  fillIncomingColumns,
  generateIncomingRows,
  MECHANISM_CODE,
  populationSizeFor,
  type IncomingColumns,
} from './incoming.js';
import { INSURER_TYPES } from './insurers.js';
import {
  kanaIdOf,
  kanaVariantIdOf,
  myNumberOf,
  personAt,
  personIndexOfMyNumber,
} from './population.js';

/** A model with every rate high enough that 100k rows test each one tightly. */
function highModel(): ErrorModel {
  const m = cloneErrorModel(DEFAULT_ERROR_MODEL);
  setRate(m, 'error', 0.05);
  setRate(m, 'kokuho.error', 0.02);
  setRate(m, 'birthDateCorrection', 0.01);
  setRate(m, 'kanaCorrection', 0.02);
  setRate(m, 'typoHitsPerson', 0.1);
  return m;
}

function build(model: ErrorModel, existing: number, incoming: number, seed = 11) {
  const options = { seed, existing, incoming, asOf: '2021-07-15', model };
  const size = populationSizeFor(options);
  const population = allocateMemberColumns(size);
  fillMemberColumns({ seed, size, asOf: options.asOf }, 0, size, population);
  const cols = allocateIncomingColumns(incoming);
  fillIncomingColumns(options, population, cols);
  return { options, population, cols };
}

/** |observed − expected| within 3 standard deviations of a sum of independent Bernoulli draws. */
function expectWithin3Sigma(label: string, observed: number, ps: number[]) {
  const mean = ps.reduce((a, p) => a + p, 0);
  const sd = Math.sqrt(ps.reduce((a, p) => a + p * (1 - p), 0));
  expect(
    Math.abs(observed - mean),
    `${label}: observed ${observed}, expected ${mean.toFixed(1)} ± ${(3 * sd).toFixed(1)}`,
  ).toBeLessThanOrEqual(3 * sd + 1);
}

const YEAR = 365.2425;

/** Checks every configured rate against its realised count (3σ, Bernoulli per eligible row). */
function checkRates(
  model: ErrorModel,
  population: MemberColumns,
  cols: IncomingColumns,
  existing: number,
  asOf: string,
) {
  const asOfDays = daysFromIso(asOf);
  const shares = mechanismShares(model);
  const swap = MECHANISM_CODE['swapped-in-upload'];
  const four = MECHANISM_CODE['four-fact-lookup'];
  const rates = (j: number) => model.byInsurerType[INSURER_TYPES[cols.insurerType[j]!]!];
  const history = (j: number) => cols.subject[j]! < existing;
  const sum = (pred: (j: number) => boolean) => {
    let k = 0;
    for (let j = 0; j < cols.length; j++) if (pred(j)) k++;
    return k;
  };
  const ps = (f: (j: number) => number | null) => {
    const out: number[] = [];
    for (let j = 0; j < cols.length; j++) {
      const p = f(j);
      if (p !== null) out.push(p);
    }
    return out;
  };
  const has = (j: number, c: keyof typeof CHANGE_BIT) => (cols.changes[j]! & CHANGE_BIT[c]) !== 0;

  // new members per insurer type
  for (let t = 0; t < INSURER_TYPES.length; t++) {
    const rows = ps((j) =>
      cols.insurerType[j] === t ? model.byInsurerType[INSURER_TYPES[t]!].noHistory : null,
    );
    expectWithin3Sigma(
      `noHistory ${INSURER_TYPES[t]}`,
      sum((j) => cols.insurerType[j] === t && !history(j)),
      rows,
    );
  }
  // errors other than swaps, per insurer type
  for (let t = 0; t < INSURER_TYPES.length; t++) {
    const p = model.byInsurerType[INSURER_TYPES[t]!].error * (1 - shares[swap - 1]!);
    expectWithin3Sigma(
      `error ${INSURER_TYPES[t]}`,
      sum(
        (j) => cols.insurerType[j] === t && cols.mechanism[j] !== 0 && cols.mechanism[j] !== swap,
      ),
      ps((j) => (cols.insurerType[j] === t && cols.mechanism[j] !== swap ? p : null)),
    );
  }
  // swaps: pairs, at the first row's type's rate
  expectWithin3Sigma(
    'swapped pairs',
    sum((j) => j % 2 === 0 && cols.mechanism[j] === swap),
    ps((j) => (j % 2 === 0 && j + 1 < cols.length ? rates(j).error * shares[swap - 1]! : null)),
  );
  // mechanism shares among the other errors (family numbers fall back to typos for people alone)
  const errorRows = ps((j) =>
    cols.mechanism[j] !== 0 && cols.mechanism[j] !== swap ? 1 : null,
  ).length;
  const others = 1 - shares[swap - 1]!;
  const share = (m: (typeof MECHANISMS)[number]) => shares[MECHANISM_CODE[m] - 1]! / others;
  for (const [label, codes, p] of [
    ['four-fact-lookup', [four], share('four-fact-lookup')],
    ['birth-date-typo', [MECHANISM_CODE['birth-date-typo']], share('birth-date-typo')],
    [
      'typo + family-number',
      [MECHANISM_CODE.typo, MECHANISM_CODE['family-number']],
      share('typo') + share('family-number'),
    ],
  ] as const) {
    expectWithin3Sigma(
      label,
      sum((j) => (codes as readonly number[]).includes(cols.mechanism[j]!)),
      Array(errorRows).fill(p),
    );
  }
  // name changes: women 20–49 (marriage), 30–59 (divorce), men at maleNameChangeRatio of that
  const age = (j: number) => (asOfDays - population.birthDays[cols.subject[j]!]!) / YEAR;
  const nameChange = (j: number) =>
    population.sex[cols.subject[j]!] === 2 ? 1 : model.maleNameChangeRatio;
  const eligible = (j: number) => history(j) && cols.mechanism[j] !== four;
  const pMarriage = (j: number) =>
    age(j) >= 20 && age(j) < 50 ? rates(j).marriage * nameChange(j) : 0;
  expectWithin3Sigma(
    'marriage',
    sum((j) => has(j, 'marriage')),
    ps((j) => (eligible(j) ? pMarriage(j) : null)),
  );
  expectWithin3Sigma(
    'divorce',
    sum((j) => has(j, 'divorce')),
    ps((j) =>
      eligible(j) && age(j) >= 30 && age(j) < 60
        ? (1 - pMarriage(j)) * rates(j).divorce * nameChange(j)
        : null,
    ),
  );
  // a kana correction needs a voiced/unvoiced kana: count it on names that have one, unchanged otherwise
  const canSlip = (j: number) =>
    !has(j, 'marriage') &&
    !has(j, 'divorce') &&
    kanaVariantIdOf(population.kanaId[cols.subject[j]!]!) !== population.kanaId[cols.subject[j]!];
  expectWithin3Sigma(
    'kana-correction',
    sum((j) => eligible(j) && canSlip(j) && has(j, 'kana-correction')),
    ps((j) => (eligible(j) && canSlip(j) ? rates(j).kanaCorrection : null)),
  );
  expectWithin3Sigma(
    'birth-date-correction',
    sum((j) => has(j, 'birth-date-correction')),
    ps((j) => (eligible(j) ? rates(j).birthDateCorrection : null)),
  );
  for (const [change, rate] of [
    ['kanji-variant', 'kanjiVariant'],
    ['address-notation', 'addressNotation'],
    ['address-moved', 'addressMoved'],
    ['kana-half-width', 'kanaHalfWidth'],
  ] as const) {
    expectWithin3Sigma(
      change,
      sum((j) => has(j, change)),
      ps((j) => rates(j)[rate]),
    );
  }
}

describe('the error and change model holds its configured rates (100,000 rows, 3σ)', () => {
  it('with the default model', () => {
    const { population, cols, options } = build(DEFAULT_ERROR_MODEL, 200_000, 100_000);
    checkRates(DEFAULT_ERROR_MODEL, population, cols, options.existing, options.asOf);
  });
  it('with every rate raised', () => {
    const model = highModel();
    const { population, cols, options } = build(model, 200_000, 100_000, 12);
    checkRates(model, population, cols, options.existing, options.asOf);
  });
});

describe('incoming registrations', () => {
  const model = highModel();
  const { options, population, cols } = build(model, 20_000, 4_000);
  const size = populationSizeFor(options);
  const rows = [...generateIncomingRows(options)];
  const person = (i: number) => personAt({ seed: options.seed, size, asOf: options.asOf }, i);

  it('agree between the row file and the columns, row by row', () => {
    expect(rows).toHaveLength(options.incoming);
    rows.forEach(({ row, mechanism, changes, subject }, j) => {
      expect(cols.mechanism[j]).toBe(mechanism === null ? 0 : MECHANISM_CODE[mechanism]);
      expect(changes).toEqual(CHANGES.filter((c) => cols.changes[j]! & CHANGE_BIT[c]));
      expect(cols.subject[j]).toBe(subject);
      expect(Number(row.myNumber)).toBe(cols.myNumber[j]);
      expect(daysFromIso(row.birthDate)).toBe(cols.birthDays[j]);
      expect(kanaIdOf(row.nameKana)).toBe(cols.kanaId[j]);
      expect(isValidMyNumber(row.myNumber)).toBe(true);
    });
  });

  it('builds each mechanism from what happens, not from the rule meant to catch it', () => {
    const seen = new Set<string>();
    rows.forEach(({ row, mechanism, subject }, j) => {
      const own = myNumberOf(options.seed, subject);
      const owner = cols.owner[j]!;
      if (mechanism === null) {
        expect(row.myNumber).toBe(own);
        return;
      }
      const s = person(subject);
      seen.add(mechanism);
      if (mechanism === 'birth-date-typo') {
        expect(row.myNumber).toBe(own);
        expect(cols.birthDays[j]).not.toBe(cols.jlisBirthDays[j]);
        return;
      }
      expect(row.myNumber).not.toBe(own);
      expect(personIndexOfMyNumber(options.seed, size, row.myNumber)).toBe(owner);
      switch (mechanism) {
        case 'family-number':
          // same household: same address and (but for a spouse who kept a name) family name
          expect(person(owner).address).toBe(s.address);
          break;
        case 'four-fact-lookup':
          expect(row.birthDate).toBe(person(owner).birthDate);
          expect(kanaIdOf(row.nameKana)).toBe(kanaIdOf(person(owner).nameKana));
          expect(row.address).not.toBe(person(owner).address);
          break;
        case 'swapped-in-upload': {
          const partner = j ^ 1;
          expect(owner).toBe(cols.subject[partner]);
          expect(cols.owner[partner]).toBe(subject);
          break;
        }
        case 'typo':
          // a slip that passes the check digit; mostly no one's number
          break;
      }
    });
    expect([...seen].sort()).toEqual([...MECHANISMS].sort());
  });

  it('marries with a new family name and the same given name; J-LIS has the new name', () => {
    const j = rows.findIndex((r) => r.changes.includes('marriage'));
    expect(j).toBeGreaterThanOrEqual(0);
    const s = person(rows[j]!.subject);
    const [family, given] = rows[j]!.row.nameKana.normalize('NFKC').split(/\s/u);
    expect(family).not.toBe(s.nameKana.split('\u3000')[0]);
    expect(given).toBe(s.nameKana.split('\u3000')[1]);
    expect(cols.jlisKanaId[j]).toBe(cols.kanaId[j]);
  });

  it('puts twins in households: a later child born on the same day as the one before', () => {
    let twins = 0;
    for (let i = 1; i < population.length; i++) {
      if (
        population.household[i] === population.household[i - 1] &&
        population.birthDays[i] === population.birthDays[i - 1]
      )
        twins++;
    }
    expect(twins).toBeGreaterThan(20);
  });

  it('is reproducible from the seed, from any starting row', () => {
    expect([...generateIncomingRows(options, 1000, 1010)]).toEqual(rows.slice(1000, 1010));
  });
});
