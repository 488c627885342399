// Scores 「シカク」 on the evaluation set: top-1 accuracy (the right entry, or "cannot answer" where
// the FAQ has none) and the false-answer rate (an answer given that is not the right one).
import { askShikaku } from './assistant.js';
import type { EvalQuestion } from './evaluation-set.js';
import type { FaqIndex } from './search.js';

export interface FaqEvaluation {
  questions: number;
  withAnswer: number;
  withoutAnswer: number;
  correct: number;
  /** Right entry, or "cannot answer" for a question the FAQ does not cover, over all questions. */
  accuracy: number;
  /** An entry given that is not the expected one (including any answer to an uncovered question). */
  falseAnswers: number;
  falseAnswerRate: number;
  /** Said "cannot answer", over all questions. */
  noAnswerRate: number;
  /** Said "cannot answer" to a question the FAQ does cover. */
  missed: number;
  failures: Array<{ q: string; expect: string | null; got: string | null }>;
}

export function evaluateFaq(
  index: FaqIndex,
  set: readonly EvalQuestion[],
  today: string,
): FaqEvaluation {
  let correct = 0;
  let falseAnswers = 0;
  let noAnswers = 0;
  let missed = 0;
  const failures: FaqEvaluation['failures'] = [];
  for (const { q, expect } of set) {
    const reply = askShikaku(index, q, today);
    const got = reply.kind === 'answer' ? reply.entry.id : null;
    if (got === expect) correct += 1;
    else failures.push({ q, expect, got });
    if (got === null) noAnswers += 1;
    if (got !== null && got !== expect) falseAnswers += 1;
    if (got === null && expect !== null) missed += 1;
  }
  const n = set.length;
  const withAnswer = set.filter((x) => x.expect !== null).length;
  return {
    questions: n,
    withAnswer,
    withoutAnswer: n - withAnswer,
    correct,
    accuracy: correct / n,
    falseAnswers,
    falseAnswerRate: falseAnswers / n,
    noAnswerRate: noAnswers / n,
    missed,
    failures,
  };
}
