import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CHANGE_DESCRIPTIONS,
  CHANGES,
  MECHANISM_DESCRIPTIONS,
  MECHANISMS,
  RATE_NAMES,
} from '@shikaku/synth/error-model';
import { INSURER_TYPES } from '@shikaku/synth/insurers';
import type { Estimate } from './evaluate.js';
import type { EraResult, MismatchReport } from './simulation.js';

/** chart.js's UMD build, inlined so the page works offline (no network, one file). */
function chartJsSource(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}

function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const sec = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

const ci = (e: Estimate) =>
  e.value === null
    ? '—'
    : `${(e.value * 100).toFixed(2)}% <span class=ci>[${((e.low ?? 0) * 100).toFixed(2)}–${((e.high ?? 0) * 100).toFixed(2)}]</span>`;
const per10k = (e: Estimate) =>
  e.value === null
    ? '—'
    : `${(e.value * 10_000).toFixed(1)} <span class=ci>[${((e.low ?? 0) * 10_000).toFixed(1)}–${((e.high ?? 0) * 10_000).toFixed(1)}]</span>`;
const eraName = (era: EraResult) => `${era.asOf} ${era.policy}${era.primary ? ' (this run)' : ''}`;

/** A self-contained HTML page for a mismatch simulation report. */
export function renderReportHtml(report: MismatchReport): string {
  const p = report.parameters;
  const e = report.evaluation;
  const eras = report.eras;
  const causes = [
    ...new Set(
      eras.flatMap((x) =>
        x.evaluation.falseAlarmsByCause.filter((c) => c.falseAlarms > 0).map((c) => c.cause),
      ),
    ),
  ];
  const data = {
    stages: report.stages.map((s) => ({ name: s.name, seconds: s.ms / 1000 })),
    eras: eras.map(eraName),
    precision: eras.map((x) => x.evaluation.overall.precision),
    recall: eras.map((x) => x.evaluation.overall.recall),
    causes,
    causePer10k: causes.map((c) =>
      eras.map((x) => x.evaluation.falseAlarmsByCause.find((k) => k.cause === c)?.per10k ?? 0),
    ),
    mechanisms: MECHANISMS,
    missed: MECHANISMS.map((m) =>
      eras.map((x) => x.evaluation.byMechanism.find((k) => k.mechanism === m)?.missed ?? 0),
    ),
    linkage: {
      rules: eras.map((x) => x.evaluation.overall.falsePositives),
      atRecall: eras.map((x) => x.linkage.atRuleRecall?.falseAlarms ?? null),
      missesFlagged: eras.map((x) => x.linkage.atRuleBudget.missesFlagged),
      rulesMissed: eras.map((x) => x.linkage.atRuleBudget.rulesMissed),
    },
    duckdb: report.duckdb
      ? {
          ours: [report.engine.loadMs ?? 0, report.engine.matchMs].map((ms) => ms / 1000),
          duck: [report.duckdb.loadMs, report.duckdb.matchMs].map((ms) => ms / 1000),
        }
      : null,
  };
  const eraRows = eras
    .map(
      (
        x,
      ) => `<tr><td>${esc(eraName(x))}</td><td>${esc(x.label)}</td><td class=n>${num(x.evaluation.errors)}</td>
<td class=n>${num(x.evaluation.overall.flagged)}</td><td class=n>${ci(x.evaluation.overall.precision)}</td>
<td class=n>${ci(x.evaluation.overall.recall)}</td><td class=n>${per10k(x.evaluation.overall.falseAlarmRate)}</td>
<td class=n>${x.evaluation.jlisQueriesPer10k.toFixed(0)}</td>
<td>${x.coreAgreement.disagreements === 0 ? `all ${num(x.coreAgreement.rows)} rows` : `<b>${num(x.coreAgreement.disagreements)} DISAGREE</b>`}</td></tr>`,
    )
    .join('\n');
  const ruleRows = eras
    .flatMap((x) =>
      x.evaluation.byRule.map(
        (r) =>
          `<tr><td>${esc(eraName(x))}</td><td>${esc(r.code)}</td><td class=n>${num(r.flagged)}</td><td class=n>${num(r.truePositives)}</td><td class=n>${ci(r.precision)}</td><td class=n>${ci(r.recall)}</td></tr>`,
      ),
    )
    .join('\n');
  const causeRows = eras
    .flatMap((x) =>
      x.evaluation.falseAlarmsByCause
        .filter((c) => c.falseAlarms > 0)
        .map(
          (c) =>
            `<tr><td>${esc(eraName(x))}</td><td>${esc(c.cause)}</td><td class=n>${num(c.rows)}</td><td class=n>${num(c.falseAlarms)}</td><td class=n>${c.per10k.toFixed(2)}</td><td>${esc(outcomeList(c.outcomes))}</td></tr>`,
        ),
    )
    .join('\n');
  const missRows = eras
    .flatMap((x) =>
      x.evaluation.byMechanism.map(
        (m) =>
          `<tr><td>${esc(eraName(x))}</td><td>${esc(m.mechanism)}</td><td class=n>${num(m.rows)}</td><td class=n>${num(m.missed)}</td><td class=n>${ci(m.recall)}</td><td>${esc(outcomeList(m.outcomes))}</td></tr>`,
      ),
    )
    .join('\n');
  const linkageRows = eras
    .map((x) => {
      const l = x.linkage;
      const b = l.atRuleBudget;
      const misses = b.byMechanism
        .filter((m) => m.rulesMissed > 0)
        .map((m) => `${m.mechanism} ${num(m.missesFlagged)}/${num(m.rulesMissed)}`)
        .join(', ');
      return `<tr><td>${esc(eraName(x))}</td><td class=n>${ci(x.evaluation.overall.precision)}</td><td class=n>${ci(x.evaluation.overall.recall)}</td>
<td class=n>${num(b.budget)}</td><td class=n>${num(b.falseAlarms)}</td><td class=n>${ci(b.precision)}</td><td class=n>${ci(b.recall)}</td>
<td class=n>${num(b.missesFlagged)} / ${num(b.rulesMissed)}</td><td>${esc(misses)}</td><td class=n>${num(b.rulesCaughtNotFlagged)}</td>
<td class=n>${ci(l.own.precision)}</td><td class=n>${ci(l.own.recall)}</td><td class=n>${per10k(l.own.falseAlarmRate)}</td>
<td class=n>${x.evaluation.overall.falsePositives === 0 && !l.atRuleRecall ? '—' : `${num(x.evaluation.overall.falsePositives)} → ${l.atRuleRecall ? num(l.atRuleRecall.falseAlarms) : '—'}`}</td></tr>`;
    })
    .join('\n');
  const primaryLinkage = report.eras[0]!.linkage;
  const weightRows = primaryLinkage.fields
    .flatMap((f) =>
      f.levels.map(
        (level, l) =>
          `<tr><td>${l === 0 ? esc(f.name) : ''}</td><td>${esc(level)}</td><td class=n>${f.m[l]!.toExponential(2)}</td><td class=n>${f.u[l]!.toExponential(2)}</td><td class=n>${f.weight[l]!.toFixed(2)}</td></tr>`,
      ),
    )
    .join('\n');
  const mechanismText = MECHANISMS.map(
    (m) =>
      `<li><b>${esc(m)}</b> (${(report.model.mechanisms[m] * 100).toFixed(0)}% of errors): ${esc(MECHANISM_DESCRIPTIONS[m])}</li>`,
  ).join('');
  const changeText = CHANGES.map(
    (c) => `<li><b>${esc(c)}</b>: ${esc(CHANGE_DESCRIPTIONS[c])}</li>`,
  ).join('');
  const rateHeader = RATE_NAMES.map((r) => `<th>${esc(r)}</th>`).join('');
  const rateRows = INSURER_TYPES.map(
    (t) =>
      `<tr><td>${esc(t)}</td>${RATE_NAMES.map((r) => `<td class=n>${report.model.byInsurerType[t][r]}</td>`).join('')}</tr>`,
  ).join('\n');
  const stageRows = report.stages
    .map(
      (s) =>
        `<tr><td>${esc(s.name)}</td><td class=n>${sec(s.ms)}</td><td class=n>${num(s.records)}</td><td class=n>${s.recordsPerSecond ? num(s.recordsPerSecond) : '—'}</td></tr>`,
    )
    .join('\n');
  const duck = report.duckdb
    ? `<h2>Against DuckDB (same data, same run, ${report.duckdb.threads} thread(s))</h2>
<table><tr><th></th><th>load</th><th>match</th><th>end to end</th></tr>
<tr><td>shikaku engine</td><td class=n>${sec(report.engine.loadMs)}</td><td class=n>${sec(report.engine.matchMs)}</td><td class=n>${sec(report.engine.endToEndMs)}</td></tr>
<tr><td>DuckDB</td><td class=n>${sec(report.duckdb.loadMs)}</td><td class=n>${sec(report.duckdb.matchMs)}</td><td class=n>${sec(report.duckdb.endToEndMs)}</td></tr></table>
<p>Ratio ours / DuckDB: <b>${report.duckdb.ratio === null ? '—' : report.duckdb.ratio.toFixed(3)}</b>. Outcomes agree: <b>${report.duckdb.agrees ? 'yes' : 'NO'}</b>.</p>
<div class=chart><canvas id=duck></canvas></div>`
    : '';
  return `<!doctype html>
<html lang=en><head><meta charset=utf-8><title>shikaku mismatch simulation</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right}.chart{height:320px;margin:1em 0}
.ci{color:#666;font-size:.85em}.kpi{display:inline-block;margin-right:2em}.kpi b{font-size:1.4em;display:block}</style></head><body>
<h1>My Number mis-entry matching: simulation report</h1>
<p>${num(p.existing)} existing records, ${num(p.incoming)} incoming registrations, seed ${p.seed}, data as of ${esc(p.asOf)},
rules of this run as of ${esc(p.asOf)} (${p.policy === 'current' ? 'all later rules' : "the seed's 2021 rules"}), ${p.workers} worker(s); ${esc(report.machine.cpuModel)},
${report.machine.cpus} CPUs, ${(report.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${esc(report.machine.node)}.</p>
<div><span class=kpi>precision<b>${pct(e.overall.precision.value)}</b></span>
<span class=kpi>recall<b>${pct(e.overall.recall.value)}</b></span>
<span class=kpi>false alarms / 10,000 right<b>${((e.overall.falseAlarmRate.value ?? 0) * 10_000).toFixed(1)}</b></span>
<span class=kpi>J-LIS queries / 10,000<b>${e.jlisQueriesPer10k.toFixed(0)}</b></span>
<span class=kpi>match<b>${sec(report.engine.matchMs)}</b></span>
<span class=kpi>load + match<b>${sec(report.engine.endToEndMs)}</b></span>
<span class=kpi>peak memory<b>${(report.peakRssBytes / 2 ** 30).toFixed(2)} GiB</b></span></div>
<p>Errors are drawn by mechanism (whose number, whose facts) and right registrations carry legitimate changes at their
rates; which rule fires, if any, is what this run measured. Intervals are 95 % Wilson score intervals: with realistic
error rates there are few errors, so read the interval, not the point.</p>
<h2>Per policy era (same rows, each rule from its own date)</h2>
<table><tr><th>era</th><th>rules</th><th>errors</th><th>flagged</th><th>precision</th><th>recall</th><th>false alarms / 10,000 right</th><th>J-LIS queries / 10,000</th><th>bulk engine = core's rule</th></tr>${eraRows}</table>
<div class=chart><canvas id=eras></canvas></div>
<h2>Per rule</h2>
<p>Precision: share of the rule's suspicions that are real errors. Recall: share of all errors the rule raised.</p>
<table><tr><th>era</th><th>outcome</th><th>flagged</th><th>real errors</th><th>precision</th><th>recall</th></tr>${ruleRows}</table>
<h2>False alarms by cause</h2>
<table><tr><th>era</th><th>legitimate change(s)</th><th>right rows with it</th><th>false alarms</th><th>per 10,000 right</th><th>outcomes</th></tr>${causeRows}</table>
<div class=chart><canvas id=causes></canvas></div>
<h2>What the rules miss</h2>
<table><tr><th>era</th><th>mechanism</th><th>errors</th><th>missed</th><th>recall</th><th>outcomes</th></tr>${missRows}</table>
<div class=chart><canvas id=missed></canvas></div>
<h2>Second opinion: a Fellegi–Sunter linkage score</h2>
<p>Each registration is paired with the records of its number that this era's rules had (the stored registration; J-LIS's
record where the era asked J-LIS) and compared field by field: birth date, family and given kana, sex, address. The u
probabilities come from ${num(primaryLinkage.uSamples)} random pairs, the m probabilities and the share of matches λ from
expectation maximisation over the era's own rows (no ground truth), as Splink does. The score is the match weight
log₂(λ/(1−λ)) + Σ log₂(m/u); a number J-LIS does not know has no record to pair with and is always flagged. "At the
rules' budget": flagged below the highest weight that raises no more false alarms than the rules did in that era.
"Own cut": flagged where the weight is below 0 (posterior match probability below ½). The last column: the false alarms the rules raised for the errors they found, and the false alarms this score raises
at the lowest cut that finds as many. Formulas and sources:
docs/decisions.md.</p>
<table><tr><th>era</th><th>rules precision</th><th>rules recall</th><th>false-alarm budget</th><th>FS false alarms</th><th>FS precision</th><th>FS recall</th>
<th>rules' misses FS flags</th><th>by mechanism (flagged / missed)</th><th>rules' catches FS does not flag</th><th>FS own cut: precision</th><th>recall</th><th>false alarms / 10,000 right</th><th>false alarms for the rules' recall: rules → FS</th></tr>${linkageRows}</table>
<div class=chart><canvas id=linkage></canvas></div>
<p>Weights learned in this run's era (λ = ${primaryLinkage.lambda.toFixed(6)}, prior weight ${primaryLinkage.priorWeight.toFixed(2)},
${primaryLinkage.iterations} EM iterations${primaryLinkage.converged ? '' : ', NOT converged'}; ${num(primaryLinkage.comparedRows)} rows compared,
${num(primaryLinkage.notFoundRows)} unknown to J-LIS):</p>
<table><tr><th>field</th><th>level</th><th>m</th><th>u</th><th>weight log₂(m/u)</th></tr>${weightRows}</table>
<h2>The error and change model</h2>
<p>Mechanisms:</p><ul>${mechanismText}</ul><p>Legitimate changes:</p><ul>${changeText}</ul>
<table><tr><th>insurer type</th>${rateHeader}</tr>${rateRows}</table>
<p>Typos that land on an assigned number: ${report.model.typoHitsPerson}; men's name-change rate relative to women's: ${report.model.maleNameChangeRatio}. Sources: docs/decisions.md.</p>
<h2>Stages</h2><table><tr><th>stage</th><th>time</th><th>records</th><th>records/s</th></tr>${stageRows}</table>
<div class=chart><canvas id=stages></canvas></div>
${duck}
<script>${chartJsSource()}</script>
<script>
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
// No animation: the page is a report, and a print or screenshot must show the final bars.
const opts = (title, extra) => Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: title } } }, extra || {});
const span = (xs) => xs.map(x => x.low === null ? null : [x.low, x.high]);
const point = (xs) => xs.map(x => x.value);
new Chart(document.getElementById('eras'), { data: { labels: data.eras, datasets: [
  { type: 'bar', label: 'precision 95% interval', data: span(data.precision), barPercentage: 0.3 },
  { type: 'bar', label: 'recall 95% interval', data: span(data.recall), barPercentage: 0.3 },
  { type: 'line', label: 'precision', data: point(data.precision), showLine: false, pointRadius: 6 },
  { type: 'line', label: 'recall', data: point(data.recall), showLine: false, pointRadius: 6, pointStyle: 'rectRot' } ] },
  options: opts('Precision and recall per policy era (bars: 95% Wilson intervals)', { scales: { y: { min: 0, max: 1 } } }) });
new Chart(document.getElementById('causes'), { type: 'bar', data: { labels: data.eras, datasets: data.causes.map((c, i) => ({ label: c, data: data.causePer10k[i] })) }, options: opts('False alarms per 10,000 right registrations, by cause', { scales: { x: { stacked: true }, y: { stacked: true } } }) });
new Chart(document.getElementById('missed'), { type: 'bar', data: { labels: data.eras, datasets: data.mechanisms.map((m, i) => ({ label: m, data: data.missed[i] })) }, options: opts('Errors missed, by mechanism', { scales: { x: { stacked: true }, y: { stacked: true } } }) });
new Chart(document.getElementById('stages'), { type: 'bar', data: { labels: data.stages.map(s => s.name), datasets: [{ label: 'seconds', data: data.stages.map(s => s.seconds) }] }, options: opts('Time per stage (s)', { indexAxis: 'y' }) });
new Chart(document.getElementById('linkage'), { type: 'bar', data: { labels: data.eras, datasets: [
  { label: "rules: false alarms", data: data.linkage.rules },
  { label: "Fellegi–Sunter: false alarms to find as many errors", data: data.linkage.atRecall },
  { label: "rules' misses", data: data.linkage.rulesMissed, yAxisID: 'misses' },
  { label: "of them flagged by Fellegi–Sunter at the rules' budget", data: data.linkage.missesFlagged, yAxisID: 'misses' } ] },
  options: opts("Second opinion: false alarms at the rules' recall, misses flagged at their budget", { scales: { y: { position: 'left', title: { display: true, text: 'false alarms' } }, misses: { position: 'right', title: { display: true, text: 'errors' }, grid: { drawOnChartArea: false } } } }) });
if (data.duckdb) new Chart(document.getElementById('duck'), { type: 'bar', data: { labels: ['load', 'match'], datasets: [{ label: 'shikaku', data: data.duckdb.ours }, { label: 'DuckDB', data: data.duckdb.duck }] }, options: opts('Seconds, same data, same run', { scales: { x: { stacked: false } } }) });
</script></body></html>
`;
}

function outcomeList(outcomes: Partial<Record<string, number>>): string {
  return Object.entries(outcomes)
    .map(([k, v]) => `${k} ${num(v ?? 0)}`)
    .join(', ');
}
