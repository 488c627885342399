import { describe, expect, it } from 'vitest';
import { MIS_ENTRY_OUTCOMES } from '@shikaku/core/mis-entry';
import { INCOMING_PATTERNS } from '@shikaku/synth/incoming';
import { evaluate } from './evaluate.js';

const p = (name: string) => INCOMING_PATTERNS.indexOf(name as never);
const c = (code: string) => MIS_ENTRY_OUTCOMES.indexOf(code as never);

describe('evaluate', () => {
  it('counts recall per error pattern, false alarms per clean one and precision per outcome', () => {
    const patterns = Uint8Array.from([
      p('twins'),
      p('twins'),
      p('job-change'),
      p('job-change'),
      p('wrong-number-same-facts'),
    ]);
    const codes = Uint8Array.from([
      c('KANA_NAME_MISMATCH'),
      c('CONSISTENT'),
      c('CONSISTENT'),
      c('BIRTH_DATE_MISMATCH'),
      c('CONSISTENT'),
    ]);
    const e = evaluate(patterns, codes);
    const twins = e.patterns.find((s) => s.pattern === 'twins')!;
    expect(twins).toMatchObject({ rows: 2, flagged: 1, recall: 0.5, missed: 1 });
    expect(e.patterns.find((s) => s.pattern === 'job-change')).toMatchObject({
      falseAlarms: 1,
      recall: null,
    });
    expect(e.outcomes.find((o) => o.code === 'BIRTH_DATE_MISMATCH')).toMatchObject({
      rows: 1,
      precision: 0,
    });
    expect(e.outcomes.find((o) => o.code === 'CONSISTENT')).toMatchObject({
      rows: 3,
      precision: 2 / 3,
    });
    expect(e.overall).toMatchObject({
      errors: 3,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 2,
      precision: 0.5,
    });
  });
});
