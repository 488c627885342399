import { describe, expect, it } from 'vitest';
import {
  CODE_TABLES,
  type CodeOf,
  InsuredCardClassification,
  InsuredPartialContributionRatio,
  isCodeOf,
  labelOf,
  QualificationValidity,
  SegmentOfResult,
} from './code-tables.js';
import { QUALIFICATION_VALIDITY } from './eligibility.js';

describe('OQS code tables', () => {
  it('cover OQSCD001 to OQSCD017, each once, in order', () => {
    expect(CODE_TABLES.map((t) => t.id)).toEqual(
      Array.from({ length: 17 }, (_, i) => `OQSCD${String(i + 1).padStart(3, '0')}`),
    );
  });

  it('give Japanese labels and reject unknown codes', () => {
    expect(labelOf(QualificationValidity, '3')).toBe('無効（新しい資格あり）');
    expect(labelOf(InsuredCardClassification, '01')).toBe('被保険者証（一般）');
    expect(labelOf(InsuredCardClassification, '1')).toBeUndefined();
    expect(labelOf(SegmentOfResult, 'toString')).toBeUndefined();
    expect(isCodeOf(SegmentOfResult, '9')).toBe(true);
    expect(isCodeOf(SegmentOfResult, '3')).toBe(false);
  });

  it('agree with the eligibility rule and the copay codes', () => {
    for (const code of Object.values(QUALIFICATION_VALIDITY)) {
      expect(isCodeOf(QualificationValidity, code)).toBe(true);
    }
    const ratio: CodeOf<typeof InsuredPartialContributionRatio>[] = ['010', '020', '030'];
    expect(Object.keys(InsuredPartialContributionRatio.codes)).toEqual(ratio);
  });

  it('have no empty labels', () => {
    for (const t of CODE_TABLES) {
      for (const [code, label] of Object.entries(t.codes)) {
        expect(code, t.id).not.toBe('');
        expect(label, `${t.id} ${code}`).not.toBe('');
      }
    }
  });
});
