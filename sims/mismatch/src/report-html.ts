import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MismatchReport } from './simulation.js';

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

/** A self-contained HTML page for a mismatch simulation report. */
export function renderReportHtml(report: MismatchReport): string {
  const p = report.parameters;
  const e = report.evaluation;
  const outcomeCodes = [...new Set(e.patterns.flatMap((s) => Object.keys(s.outcomes)))];
  const data = {
    stages: report.stages.map((s) => ({ name: s.name, seconds: s.ms / 1000 })),
    patterns: e.patterns.map((s) => s.pattern),
    outcomeCodes,
    byPattern: outcomeCodes.map((code) =>
      e.patterns.map((s) => (s.outcomes as Record<string, number>)[code] ?? 0),
    ),
    recall: e.patterns.map((s) => (s.error ? s.recall : null)),
    duckdb: report.duckdb
      ? {
          ours: [report.engine.loadMs ?? 0, report.engine.matchMs].map((ms) => ms / 1000),
          duck: [report.duckdb.loadMs, report.duckdb.matchMs].map((ms) => ms / 1000),
        }
      : null,
  };
  const patternRows = e.patterns
    .map(
      (
        s,
      ) => `<tr><td>${esc(s.pattern)}</td><td>${esc(s.description)}</td><td>${s.error ? 'error' : 'clean'}</td>
<td class=n>${num(s.rows)}</td><td class=n>${num(s.flagged)}</td><td class=n>${s.error ? pct(s.recall) : '—'}</td>
<td class=n>${num(s.missed)}</td><td class=n>${num(s.falseAlarms)}</td>
<td>${esc(
        Object.entries(s.outcomes)
          .map(([k, v]) => `${k} ${num(v)}`)
          .join(', '),
      )}</td></tr>`,
    )
    .join('\n');
  const outcomeRows = e.outcomes
    .map(
      (o) =>
        `<tr><td>${esc(o.code)}</td><td class=n>${num(o.rows)}</td><td>${o.flagged ? 'suspicion' : ''}</td><td class=n>${pct(o.precision)}</td></tr>`,
    )
    .join('\n');
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
.kpi{display:inline-block;margin-right:2em}.kpi b{font-size:1.4em;display:block}</style></head><body>
<h1>My Number mis-entry matching: simulation report</h1>
<p>${num(p.existing)} existing records, ${num(p.incoming)} incoming registrations, seed ${p.seed}, rules as of ${esc(p.asOf)}
(${p.policy === 'current' ? 'all later rules' : "the seed's 2021 rules"}), ${p.workers} worker(s); ${esc(report.machine.cpuModel)},
${report.machine.cpus} CPUs, ${(report.machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${esc(report.machine.node)}.</p>
<div><span class=kpi>match<b>${sec(report.engine.matchMs)}</b></span>
<span class=kpi>records/s<b>${num(report.engine.recordsPerSecond)}</b></span>
<span class=kpi>load + match<b>${sec(report.engine.endToEndMs)}</b></span>
<span class=kpi>peak memory<b>${(report.peakRssBytes / 2 ** 30).toFixed(2)} GiB</b></span>
<span class=kpi>precision<b>${pct(e.overall.precision)}</b></span>
<span class=kpi>recall<b>${pct(e.overall.recall)}</b></span></div>
<h2>Stages</h2><table><tr><th>stage</th><th>time</th><th>records</th><th>records/s</th></tr>${stageRows}</table>
<div class=chart><canvas id=stages></canvas></div>
${duck}
<h2>Ground truth by injected pattern</h2>
<p>The deterministic rules catch exactly what they are designed to catch; what no rule can see (someone else's
number whose owner has the same birth date and kana name) shows as missed.</p>
<table><tr><th>pattern</th><th>what it is</th><th>truth</th><th>rows</th><th>flagged</th><th>recall</th><th>missed</th><th>false alarms</th><th>outcomes</th></tr>${patternRows}</table>
<div class=chart><canvas id=patterns></canvas></div>
<div class=chart><canvas id=recall></canvas></div>
<h2>Outcomes</h2><table><tr><th>outcome</th><th>rows</th><th></th><th>precision (share that are real errors)</th></tr>${outcomeRows}</table>
<p>J-LIS queried for ${num(report.jlisQueried)} rows. Overall: ${num(e.overall.truePositives)} true suspicions,
${num(e.overall.falsePositives)} false alarms, ${num(e.overall.falseNegatives)} missed errors.</p>
<script>${chartJsSource()}</script>
<script>
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
// No animation: the page is a report, and a print or screenshot must show the final bars.
const opts = (title, extra) => Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: title } } }, extra || {});
new Chart(document.getElementById('stages'), { type: 'bar', data: { labels: data.stages.map(s => s.name), datasets: [{ label: 'seconds', data: data.stages.map(s => s.seconds) }] }, options: opts('Time per stage (s)', { indexAxis: 'y' }) });
new Chart(document.getElementById('patterns'), { type: 'bar', data: { labels: data.patterns, datasets: data.outcomeCodes.map((c, i) => ({ label: c, data: data.byPattern[i] })) }, options: opts('Outcomes per injected pattern', { scales: { x: { stacked: true }, y: { stacked: true } } }) });
new Chart(document.getElementById('recall'), { type: 'bar', data: { labels: data.patterns, datasets: [{ label: 'recall (error patterns)', data: data.recall }] }, options: opts('Recall per error pattern', { scales: { y: { min: 0, max: 1 } } }) });
if (data.duckdb) new Chart(document.getElementById('duck'), { type: 'bar', data: { labels: ['load', 'match'], datasets: [{ label: 'shikaku', data: data.duckdb.ours }, { label: 'DuckDB', data: data.duckdb.duck }] }, options: opts('Seconds, same data, same run', { scales: { x: { stacked: false } } }) });
</script></body></html>
`;
}
