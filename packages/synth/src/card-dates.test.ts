import { describe, expect, it } from 'vitest';
import { MAX_ISSUE_DELAY, syntheticCardDates } from './card-dates.js';
import { daysFromIso } from './days.js';
import { generatePopulation } from './population.js';

const AS_OF = '2021-07-15';

describe('syntheticCardDates', () => {
  it('ends 後期高齢者 cards on the next July 31 and 国保 cards on the next September 30', () => {
    // 後期高齢者 (39 + prefecture + …, 8 digits): qualified after this year's July 31.
    expect(syntheticCardDates(1, 0, '39131003', '2021-08-02', '2021-08-10').cardValidTo).toBe(
      '2022-07-31',
    );
    // Qualified years ago: the card of the current period, not one expired long since.
    expect(syntheticCardDates(1, 0, '39131003', '2012-03-01', AS_OF).cardValidTo).toBe(
      '2021-07-31',
    );
    // On July 31 itself: the next one.
    expect(syntheticCardDates(1, 0, '39131003', '2021-07-31', '2021-07-31').cardValidTo).toBe(
      '2022-07-31',
    );
    // 国保 (6 digits), of prefecture 39 too.
    expect(syntheticCardDates(1, 0, '138057', '2019-01-10', AS_OF).cardValidTo).toBe('2021-09-30');
    expect(syntheticCardDates(1, 0, '390015', '2021-10-01', '2021-10-01').cardValidTo).toBe(
      '2022-09-30',
    );
    // 協会けんぽ, 組合健保, 共済: no end date.
    for (const insurer of ['01130012', '06130107', '31130013']) {
      expect(syntheticCardDates(1, 0, insurer, '2019-01-10', AS_OF).cardValidTo).toBeNull();
    }
  });

  it('issues the card on the qualification date or a few days after, never after the as-of date', () => {
    const delays = new Set<number>();
    for (let index = 0; index < 200; index++) {
      const dates = syntheticCardDates(7, index, '01130012', '2021-04-01', AS_OF);
      expect(dates.cardValidFrom).toBe('2021-04-01');
      const delay = daysFromIso(dates.cardIssuedOn) - daysFromIso('2021-04-01');
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(MAX_ISSUE_DELAY);
      delays.add(delay);
      // The same seed and person give the same dates.
      expect(syntheticCardDates(7, index, '01130012', '2021-04-01', AS_OF)).toEqual(dates);
    }
    expect(delays.size).toBe(MAX_ISSUE_DELAY + 1);
    for (let index = 0; index < 50; index++) {
      expect(syntheticCardDates(7, index, '01130012', AS_OF, AS_OF).cardIssuedOn).toBe(AS_OF);
    }
  });
});

describe('card dates of the synthetic population', () => {
  it('are valid from the qualification date, with an end date only on 後期高齢者 and 国保 cards', () => {
    const types = new Set<string>();
    for (const p of generatePopulation({ seed: 3, size: 5000, asOf: AS_OF })) {
      expect(p.cardValidFrom).toBe(p.qualificationDate);
      expect(p.cardIssuedOn >= p.qualificationDate && p.cardIssuedOn <= AS_OF).toBe(true);
      if (p.insurerType === 'koki' || p.insurerType === 'kokuho') {
        expect(p.cardValidTo! > AS_OF).toBe(true);
        expect(p.cardValidTo!.slice(5)).toBe(p.insurerType === 'koki' ? '07-31' : '09-30');
      } else {
        expect(p.cardValidTo).toBeNull();
      }
      types.add(p.insurerType);
    }
    expect(types.size).toBe(5);
  });
});
