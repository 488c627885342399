// The FAQ evaluation figure (docs/benchmarks.md, portal: 「シカク」):
//   node apps/portal/dist/faq/evaluate-main.js [--as-of 2021-07-15] [--failures]
import { parseArgs } from 'node:util';
import { FAQ } from './corpus.js';
import { evaluateFaq } from './evaluate.js';
import { FAQ_EVALUATION } from './evaluation-set.js';
import { ANSWER_THRESHOLD, buildFaqIndex } from './search.js';

const { values: args } = parseArgs({
  options: { 'as-of': { type: 'string', default: '2021-07-15' }, failures: { type: 'boolean' } },
});
const r = evaluateFaq(buildFaqIndex(FAQ), FAQ_EVALUATION, args['as-of'] ?? '2021-07-15');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  [
    `questions ${r.questions} (${r.withAnswer} with an entry, ${r.withoutAnswer} without), FAQ entries ${FAQ.length}`,
    `threshold minScore ${ANSWER_THRESHOLD.minScore}, minCoverage ${ANSWER_THRESHOLD.minCoverage}`,
    `top-1 accuracy ${pct(r.accuracy)} (${r.correct}/${r.questions})`,
    `false answers ${pct(r.falseAnswerRate)} (${r.falseAnswers}/${r.questions})`,
    `"cannot answer" ${pct(r.noAnswerRate)} (of which ${r.missed} to questions the FAQ covers)`,
  ].join('\n'),
);
if (args.failures)
  for (const f of r.failures) console.log(`  ${f.q}: expected ${f.expect}, got ${f.got}`);
