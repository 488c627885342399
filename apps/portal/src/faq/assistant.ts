// 「シカク」's answer to one question as of one day: the confident entry's answer for that day, or
// "cannot answer" (the caller points at the contact centre). Related questions are only entries
// that would have been confident answers themselves, never the nearest unrelated ones.
import { answerAsOf, type FaqEntry } from './corpus.js';
import { answerable, type FaqIndex } from './search.js';

export type ShikakuReply =
  { kind: 'answer'; entry: FaqEntry; text: string; related: FaqEntry[] } | { kind: 'no-answer' };

export function askShikaku(index: FaqIndex, question: string, today: string): ShikakuReply {
  const hits = index.search(question);
  const best = hits[0];
  if (!answerable(best)) return { kind: 'no-answer' };
  return {
    kind: 'answer',
    entry: best.entry,
    text: answerAsOf(best.entry, today),
    related: hits
      .slice(1)
      .filter((h) => answerable(h) && h.score >= best.score * 0.8)
      .map((h) => h.entry),
  };
}
