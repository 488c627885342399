// Retrieval for 「シカク」: BM25 over character bigrams (Japanese has no spaces to split words on),
// after NFKC normalisation so full- and half-width forms match, and kana forms of the FAQ's terms
// rewritten to the FAQ's own (readings.ts). A question is answered only when the best entry is
// confident (answerable()); otherwise シカク says it cannot answer rather than give the nearest entry.
import type { FaqEntry } from './corpus.js';
import { buildReadings } from './readings.js';

const K1 = 1.2;
const B = 0.75;

export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s、。・「」『』（）()？?！!：:，,．.／/]+/g, ' ');
}

// Hiragana is mostly grammar (です, ますか, には, を): it separates content words rather than
// being one, so bigrams are taken within the runs between hiragana. Kana questions about the FAQ's
// own terms have been rewritten to kanji or katakana before this (readings.ts).
const HIRAGANA_RUN = /[\u3040-\u309f]+/g;

/** Words that frame any question (教えて, 方法, 場合) and carry no topic. */
const FRAME = new Set(['教え', '知り', '方法', '場合', 'やり', '仕方']);

/** The content words of a text: the runs between hiragana and punctuation. */
export function contentWords(text: string): string[] {
  return normalise(text)
    .replace(HIRAGANA_RUN, ' ')
    .split(' ')
    .filter((w) => w.length > 0 && !FRAME.has(w));
}

export function bigrams(text: string): string[] {
  const grams: string[] = [];
  for (const chunk of contentWords(text)) {
    if (chunk.length === 1) grams.push(chunk);
    for (let i = 0; i + 1 < chunk.length; i++) {
      const gram = chunk.slice(i, i + 2);
      if (!FRAME.has(gram)) grams.push(gram);
    }
  }
  return grams;
}

interface IndexedEntry {
  entry: FaqEntry;
  text: string;
  tf: Map<string, number>;
  length: number;
}

export interface FaqHit {
  entry: FaqEntry;
  score: number;
  /**
   * The share of the question's content words that the entry contains (a word counts when 2/3 of its
   * bigrams are in the entry; a one-character word, usually a verb's stem, counts half): a question
   * about something the FAQ does not cover shares only some words (カードリーダー, 申請) with it.
   */
  coverage: number;
}

/**
 * When シカク answers: the best entry must match well (score) and cover most of the question
 * (coverage). Set on the evaluation set (docs/benchmarks.md, portal FAQ), which the test holds to.
 */
export const ANSWER_THRESHOLD = { minScore: 4, minCoverage: 0.7 } as const;

export function answerable(hit: FaqHit | undefined): hit is FaqHit {
  return (
    hit !== undefined &&
    hit.score >= ANSWER_THRESHOLD.minScore &&
    hit.coverage >= ANSWER_THRESHOLD.minCoverage
  );
}

export interface FaqIndex {
  /** Entries by score, weak tails cut (what the JSON API and the evaluation rank). */
  search(query: string, limit?: number): FaqHit[];
}

function entryText(entry: FaqEntry): string {
  const answers = [entry.answer, ...(entry.dated ?? []).map((d) => d.text)].join(' ');
  return `${entry.question} ${entry.keywords} ${answers}`;
}

export function buildFaqIndex(entries: readonly FaqEntry[]): FaqIndex {
  const readings = buildReadings(entries.map(entryText).join(' '));
  const docs: IndexedEntry[] = entries.map((entry) => {
    // The question counts twice: it is what people's questions look like.
    const grams = bigrams(`${entry.question} ${entryText(entry)}`);
    const tf = new Map<string, number>();
    for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + 1);
    return { entry, text: normalise(entryText(entry)), tf, length: grams.length };
  });
  const avgLength = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(docs.length, 1);
  const df = new Map<string, number>();
  for (const d of docs) for (const g of d.tf.keys()) df.set(g, (df.get(g) ?? 0) + 1);
  const idf = (g: string) => {
    const n = df.get(g) ?? 0;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  };
  return {
    search(query, limit = 3) {
      const question = readings.apply(query);
      const terms = [...new Set(bigrams(question))];
      const words = [...new Set(contentWords(question))].map((w) => ({
        grams: w.length === 1 ? [w] : bigrams(w),
        weight: w.length === 1 ? 0.5 : 1,
      }));
      const weight = words.reduce((sum, w) => sum + w.weight, 0);
      const hits: FaqHit[] = [];
      for (const d of docs) {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t);
          if (!f) continue;
          score += (idf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avgLength));
        }
        if (score === 0) continue;
        const covered = words
          .filter((w) => w.grams.filter((g) => d.text.includes(g)).length * 3 >= w.grams.length * 2)
          .reduce((sum, w) => sum + w.weight, 0);
        hits.push({ entry: d.entry, score, coverage: covered / weight });
      }
      hits.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
      // Weak tails (one shared common bigram) are noise, not answers.
      const best = hits[0]?.score ?? 0;
      return hits.filter((h) => h.score >= Math.max(1.5, best * 0.35)).slice(0, limit);
    },
  };
}
