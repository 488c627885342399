import { describe, expect, it } from 'vitest';
import { determineEligibility, isInForce, type QualificationPeriod } from './eligibility.js';

const q = (id: string, from: string, lost: string | null): QualificationPeriod => ({
  qualificationId: id,
  qualificationDate: from,
  disqualificationDate: lost,
});

describe('isInForce', () => {
  const rec = q('a', '2021-04-01', '2021-10-01');
  it.each([
    ['2021-03-31', false],
    ['2021-04-01', true],
    ['2021-09-30', true],
    ['2021-10-01', false], // 資格喪失日 is the first day without cover
  ])('%s → %s', (on, inForce) => {
    expect(isInForce(rec, on)).toBe(inForce);
  });

  it('an open qualification stays in force', () => {
    expect(isInForce(q('a', '2021-04-01', null), '2099-01-01')).toBe(true);
  });
});

describe('determineEligibility', () => {
  const current = q('cur', '2020-04-01', null);
  const lost = q('old', '2015-04-01', '2020-04-01');
  const future = q('fut', '2022-01-01', null);

  it('1 valid, with the record', () => {
    const d = determineEligibility([current, lost], '2021-07-15');
    expect(d).toEqual({ validity: '1', outcome: 'VALID', records: [current], newer: [] });
  });

  it('2 lost, with the latest lost record', () => {
    const older = q('older', '2010-04-01', '2012-04-01');
    const d = determineEligibility([older, lost], '2021-07-15');
    expect(d).toEqual({ validity: '2', outcome: 'LOST', records: [lost], newer: [] });
  });

  it('3 lost, and the person has a newer qualification', () => {
    const d = determineEligibility([lost], '2021-07-15', [lost, current]);
    expect(d).toEqual({
      validity: '3',
      outcome: 'LOST_WITH_NEWER',
      records: [lost],
      newer: [current],
    });
  });

  it('4 when nothing matches, or the qualification starts later', () => {
    expect(determineEligibility([], '2021-07-15')).toMatchObject({ validity: '4', records: [] });
    expect(determineEligibility([future], '2021-07-15')).toMatchObject({ validity: '4' });
  });

  it('5 when several qualifications are in force', () => {
    const other = q('other', '2021-01-01', null);
    const d = determineEligibility([current, other, lost], '2021-07-15');
    expect(d).toEqual({
      validity: '5',
      outcome: 'MULTIPLE',
      records: [current, other],
      newer: [],
    });
  });

  it.each([
    ['2020-03-31', '1'],
    ['2020-04-01', '2'],
  ])('on the loss date boundary %s → %s', (on, validity) => {
    expect(determineEligibility([lost], on).validity).toBe(validity);
  });
});
