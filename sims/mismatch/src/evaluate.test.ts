import { describe, expect, it } from 'vitest';
import { MIS_ENTRY_OUTCOMES } from '@shikaku/core/mis-entry';
import { CHANGE_BIT, MECHANISM_CODE } from '@shikaku/synth/incoming';
import { evaluate, wilson } from './evaluate.js';

const c = (code: string) => MIS_ENTRY_OUTCOMES.indexOf(code as never);

describe('evaluate', () => {
  it('counts precision and recall per rule, misses per mechanism and false alarms per cause', () => {
    const mechanism = Uint8Array.from([
      MECHANISM_CODE['family-number'],
      MECHANISM_CODE['family-number'],
      0,
      0,
      MECHANISM_CODE['four-fact-lookup'],
      0,
    ]);
    const changes = Uint8Array.from([0, 0, CHANGE_BIT.marriage, 0, 0, CHANGE_BIT.marriage]);
    const codes = Uint8Array.from([
      c('KANA_NAME_MISMATCH'),
      c('BIRTH_DATE_MISMATCH'),
      c('KANA_NAME_MISMATCH'),
      c('CONSISTENT'),
      c('CONSISTENT'),
      c('CONSISTENT'),
    ]);
    const queried = Uint8Array.from([0, 0, 0, 0, 1, 0]);
    const e = evaluate(mechanism, changes, codes, queried);
    expect(e).toMatchObject({ rows: 6, errors: 3, clean: 3, jlisQueries: 1 });
    expect(e.overall).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 1 });
    expect(e.overall.precision.value).toBeCloseTo(2 / 3);
    expect(e.overall.recall.value).toBeCloseTo(2 / 3);
    const kana = e.byRule.find((r) => r.code === 'KANA_NAME_MISMATCH')!;
    expect(kana).toMatchObject({ flagged: 2, truePositives: 1 });
    expect(kana.recall.value).toBeCloseTo(1 / 3);
    const four = e.byMechanism.find((m) => m.mechanism === 'four-fact-lookup')!;
    expect(four).toMatchObject({ rows: 1, missed: 1, outcomes: { CONSISTENT: 1 } });
    const marriage = e.falseAlarmsByCause.find((x) => x.cause === 'marriage')!;
    expect(marriage).toMatchObject({ rows: 2, falseAlarms: 1 });
    expect(marriage.per10k).toBeCloseTo(10_000 / 3);
  });

  it('gives Wilson score intervals (known values)', () => {
    const w = wilson(8, 10);
    expect(w.low).toBeCloseTo(0.4902, 3);
    expect(w.high).toBeCloseTo(0.9433, 3);
    expect(wilson(0, 0).value).toBeNull();
    expect(wilson(0, 100).low).toBe(0);
  });
});
