// Retrieval for 「シカク」: BM25 over character bigrams (Japanese has no spaces to split words on),
// after NFKC normalisation so full- and half-width forms match.
import type { FaqEntry } from './corpus.js';

const K1 = 1.2;
const B = 0.75;

export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s、。・「」『』（）()？?！!：:，,．.／/]+/g, ' ');
}

// Bigrams of hiragana alone are grammar (です, ますか, には), not content: they are left out.
const HIRAGANA_ONLY = /^[\u3040-\u309f]+$/;

export function bigrams(text: string): string[] {
  const grams: string[] = [];
  for (const chunk of normalise(text).split(' ')) {
    if (chunk.length === 1 && !HIRAGANA_ONLY.test(chunk)) grams.push(chunk);
    for (let i = 0; i + 1 < chunk.length; i++) {
      const gram = chunk.slice(i, i + 2);
      if (!HIRAGANA_ONLY.test(gram)) grams.push(gram);
    }
  }
  return grams;
}

interface IndexedEntry {
  entry: FaqEntry;
  tf: Map<string, number>;
  length: number;
}

export interface FaqHit {
  entry: FaqEntry;
  score: number;
}

export interface FaqIndex {
  search(query: string, limit?: number): FaqHit[];
}

export function buildFaqIndex(entries: readonly FaqEntry[]): FaqIndex {
  const docs: IndexedEntry[] = entries.map((entry) => {
    // The question counts twice: it is what people's questions look like.
    const grams = bigrams(`${entry.question} ${entry.question} ${entry.keywords} ${entry.answer}`);
    const tf = new Map<string, number>();
    for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + 1);
    return { entry, tf, length: grams.length };
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
      const terms = [...new Set(bigrams(query))];
      const hits: FaqHit[] = [];
      for (const d of docs) {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t);
          if (!f) continue;
          score += (idf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avgLength));
        }
        if (score > 0) hits.push({ entry: d.entry, score });
      }
      hits.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
      // Weak tails (one shared common bigram) are noise, not answers.
      const best = hits[0]?.score ?? 0;
      return hits.filter((h) => h.score >= Math.max(1.5, best * 0.35)).slice(0, limit);
    },
  };
}
