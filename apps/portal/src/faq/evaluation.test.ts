import { describe, expect, it } from 'vitest';
import { askShikaku } from './assistant.js';
import { FAQ } from './corpus.js';
import { evaluateFaq } from './evaluate.js';
import { FAQ_EVALUATION } from './evaluation-set.js';
import { buildFaqIndex } from './search.js';

const index = buildFaqIndex(FAQ);

// The issue asks for at least 150 realistic questions with the expected entry or "no answer"; it
// names no figure to reach, so the bar is ours (docs/portal-faq.md): at least 85 % right, and a
// wrong answer (an entry that does not answer the question) at most 3 % of the time, since a
// wrong answer misleads where "cannot answer, call the centre" does not.
describe('「シカク」 on the evaluation set', () => {
  const result = evaluateFaq(index, FAQ_EVALUATION, '2021-07-15');

  it('has at least 150 questions, every expected entry exists, and some have no answer', () => {
    expect(FAQ_EVALUATION.length).toBeGreaterThanOrEqual(150);
    const ids = new Set(FAQ.map((e) => e.id));
    for (const { expect: id } of FAQ_EVALUATION) if (id) expect(ids.has(id)).toBe(true);
    expect(result.withoutAnswer).toBeGreaterThanOrEqual(25);
    expect(new Set(FAQ_EVALUATION.map((x) => x.q)).size).toBe(FAQ_EVALUATION.length);
  });

  it('answers at least 85 % right and gives a wrong answer at most 3 % of the time', () => {
    expect(result.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(result.falseAnswerRate).toBeLessThanOrEqual(0.03);
  });

  it('says it cannot answer most questions the FAQ does not cover', () => {
    const uncovered = FAQ_EVALUATION.filter((x) => x.expect === null);
    const refused = uncovered.filter(
      (x) => askShikaku(index, x.q, '2021-07-15').kind === 'no-answer',
    );
    expect(refused.length / uncovered.length).toBeGreaterThanOrEqual(0.9);
  });
});
