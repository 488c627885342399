import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { analyse, type Analysis } from './analysis.js';
import { deriveNationalPeak, deriveRequestMix, ROUTES } from './profile.js';
import type { LoadSummary } from './summary.js';

/**
 * The capacity report: one self-contained HTML page (uPlot's dist inlined, no CDN) that a planner
 * can open offline. It reads the normalised summary, so k6 and Node runs render the same way
 * (k6 summaries have no timeline: the time charts then say so).
 */

const require = createRequire(import.meta.url);

async function chartLibrary(): Promise<{ js: string; css: string }> {
  const js = await readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { js: js.replaceAll('</script', '<\\/script'), css };
}

const escapeHtml = (value: unknown) =>
  String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const num = (value: number, digits = 1) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '–';

const pct = (value: number, digits = 2) => `${(value * 100).toFixed(digits)}%`;

function table(headers: string[], rows: Array<Array<string | number>>, cls = ''): string {
  return `<table class="${cls}"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${typeof c === 'number' ? num(c, 2) : c}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

const passCell = (pass: boolean) =>
  pass ? '<span class="pass">PASS</span>' : '<span class="fail">FAIL</span>';

function headline(summary: LoadSummary, a: Analysis): string {
  const saturated = a.saturation !== null;
  return `<div class="cards">
  <div class="card ${summary.pass ? 'ok' : 'bad'}"><b>${summary.pass ? 'SLOs met' : 'SLOs broken'}</b><span>${summary.thresholds.filter((t) => t.pass).length}/${summary.thresholds.length} thresholds</span></div>
  <div class="card"><b>${saturated ? '' : '≥ '}${num(a.sustainableRate)}/s</b><span>highest throughput within the SLOs${saturated ? '' : ' (not saturated: a lower bound)'}</span></div>
  <div class="card"><b>${num(a.designRate, 0)}/s</b><span>national design peak</span></div>
  <div class="card"><b>${saturated ? '' : '≥ '}${pct(a.headroom, 1)}</b><span>of the national peak on one instance</span></div>
  <div class="card"><b>${saturated || a.capacity[0]?.instances == null ? '' : '≤ '}${a.capacity[0]?.instances ?? '–'}</b><span>instances for the national peak (u = ${a.targetUtilisation})</span></div>
  <div class="card"><b>${a.saturation ? `${num(a.saturation.offeredRate, 0)}/s` : 'not reached'}</b><span>saturation point${a.saturation ? ` at ${a.saturation.atS}s: ${escapeHtml(a.saturation.reason)}` : ''}</span></div>
</div>`;
}

export async function renderReport(summary: LoadSummary): Promise<string> {
  const a = analyse(summary);
  const { js, css } = await chartLibrary();
  const { steps } = deriveNationalPeak(summary.profile.national);
  const mix = deriveRequestMix(summary.profile.workload);
  const env = summary.environment;
  const routes = ROUTES.filter((r) => summary.routes[r]);
  const chartData = {
    windowS: summary.windowS,
    timeline: summary.timeline,
    resources: summary.resources ?? [],
    routes,
    errors: summary.errors,
  };
  const data = JSON.stringify(chartData).replaceAll('<', '\\u003c');
  const sections = [
    `<h1>Load test: ${escapeHtml(summary.profile.name)} <small>${escapeHtml(summary.runner)} runner · ${escapeHtml(summary.startedAt)}</small></h1>
<p>${escapeHtml(summary.profile.description)} Target ${escapeHtml(summary.target)}, ${num(summary.durationS, 0)} s measured (duration scale ${summary.durationScale}, rate scale ${summary.profile.rateScale}).${summary.stoppedEarly ? ` <b>Stopped early:</b> ${escapeHtml(summary.stoppedEarly)}.` : ''}</p>`,
    headline(summary, a),
    `<h2>SLO thresholds</h2>${table(
      ['threshold', 'limit', 'measured', 'result'],
      summary.thresholds.map((t) => [escapeHtml(t.name), t.limit, t.actual, passCell(t.pass)]),
    )}`,
    `<h2>Offered vs achieved throughput</h2><div id="chart-throughput" class="chart"></div>
${table(
  [
    'stage',
    'start s',
    'duration s',
    'planned rate /s',
    'offered /s',
    'achieved /s',
    'ok',
    'errors',
    'dropped',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
  ],
  summary.stages.map((s) => [
    escapeHtml(s.name),
    s.startS,
    s.durationS,
    `${num(s.plannedFromRate)} → ${num(s.plannedToRate)}`,
    s.offeredRate,
    s.achievedRate,
    s.ok,
    s.errors,
    s.dropped,
    s.latencyMs.p50,
    s.latencyMs.p95,
    s.latencyMs.p99,
    s.latencyMs.max,
  ]),
)}`,
    `<h2>Latency over time (all routes, from the scheduled time)</h2><div id="chart-latency" class="chart"></div>
<h2>p99 latency per route over time</h2><div id="chart-routes" class="chart"></div>
${table(
  ['route', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'service p99 ms'],
  routes.map((r) => {
    const s = summary.routes[r]!;
    return [
      r,
      s.count,
      s.errors,
      s.latencyMs.p50,
      s.latencyMs.p95,
      s.latencyMs.p99,
      s.latencyMs.max,
      s.serviceMs.p99,
    ];
  }),
)}
<p class="note">Latency is measured from the moment each request was <i>due</i> (open model), so time spent waiting behind a slow server counts; "service p99" is from the moment it was sent.</p>`,
    `<h2>Errors by type</h2>${
      Object.keys(summary.errors).length
        ? `<div id="chart-errors" class="chart small"></div>${table(
            ['type', 'count', 'share of completed'],
            Object.entries(summary.errors)
              .sort((x, y) => y[1] - x[1])
              .map(([type, count]) => [
                escapeHtml(type),
                count,
                pct(count / Math.max(1, summary.totals.completed)),
              ]),
          )}`
        : '<p>No errors.</p>'
    }
<p>Totals: ${num(summary.totals.scheduled, 0)} scheduled, ${num(summary.totals.sent, 0)} sent, ${num(summary.totals.ok, 0)} ok, ${num(summary.totals.errors, 0)} errors, ${num(summary.totals.dropped, 0)} dropped.</p>`,
    `<h2>Saturation point</h2><p>${
      a.saturation
        ? `Latency bent at an offered ${num(a.saturation.offeredRate, 0)} requests/s (${a.saturation.atS} s into the run): ${escapeHtml(a.saturation.reason)}. Errors ${a.saturation.errorsBefore ? 'had already appeared before it' : 'had not yet appeared'}.`
        : 'Not reached: p99 stayed within twice its early baseline and throughput kept up with the offered rate. The sustainable rate is a lower bound; run <code>stress</code> or <code>breakpoint</code> to find the limit.'
    }</p>`,
    `<h2>Headroom and capacity model</h2>
<p>Highest throughput that met every SLO in a ${summary.windowS}-second window: <b>${num(a.sustainableRate)}</b> requests/s on this instance, ${pct(a.headroom, 1)} of the national design peak (${num(a.designRate, 0)}/s).</p>
<p class="formula">${escapeHtml(a.formula)}</p>
${table(
  ['growth scenario', 'factor', 'required rate /s', 'instances'],
  a.capacity.map((c) => [
    escapeHtml(c.scenario),
    c.factor,
    c.requiredRate,
    c.instances ?? '– (no window met the SLOs)',
  ]),
)}
<p class="note">u is the target utilisation: instances run at most ${pct(a.targetUtilisation, 0)} of what one sustained, leaving room for failover and uneven routing. An instance is what this run measured (the apps plus their share of the database); the database does not scale out the same way, so read instance counts above one as an upper bound on application processes, not on databases.</p>`,
    `<h2>Workload model</h2>
<h3>National peak derivation</h3>
${table(
  ['step', 'factor', 'value'],
  steps.map((s) => [escapeHtml(s.label), escapeHtml(s.factor), `${num(s.value, 1)} ${s.unit}`]),
)}
<h3>Request mix (national proportions)</h3>
${table(
  ['route', 'share of requests'],
  ROUTES.map((r) => [r, pct(mix[r], 2)]),
)}
<p class="note">From: ${pct(summary.profile.workload.cardShare, 0)} of confirmations by My Number card; ${pct(summary.profile.workload.bulkShare, 1)} of checks by bulk inquiry in requests of ${summary.profile.workload.bulkItemsPerRequest}; ${summary.profile.workload.viewsPerConfirmation} drug/checkup views per confirmation (${pct(summary.profile.workload.drugViewShare, 0)} drug).</p>`,
    `<h2>Resource use</h2>${
      summary.resources?.length
        ? '<div id="chart-resources" class="chart"></div>'
        : '<p>Not recorded by this runner.</p>'
    }`,
    `<h2>Environment</h2>${
      env
        ? table(
            ['item', 'value'],
            [
              ['CPU', `${escapeHtml(env.cpuModel)} × ${env.cpus}`],
              ['memory', `${num(env.memoryGb)} GB`],
              ['Node', escapeHtml(env.node)],
              ['platform', escapeHtml(env.platform)],
              ['git commit', escapeHtml(env.gitCommit)],
              ['seed', env.seed],
              ['database', escapeHtml(env.database)],
              [
                'database size',
                env.databaseSizeMb === undefined ? '–' : `${num(env.databaseSizeMb)} MB`,
              ],
              ['members seeded', env.members === undefined ? '–' : num(env.members, 0)],
              [
                'stack started by the load test',
                env.targetStartedByRunner ? 'yes' : 'no (given --target)',
              ],
              [
                'load average (1 min) at start / end',
                `${env.loadAverageAtStart ?? '–'} / ${env.loadAverageAtEnd ?? '–'} on ${env.cpus} CPUs (other work on the machine skews every figure)`,
              ],
            ],
          )
        : '<p>Not recorded.</p>'
    }
${summary.notes.length ? `<ul>${summary.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shikaku load test: ${escapeHtml(summary.profile.name)}</title>
<style>${css}
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#1b1f24;padding:0 12px}
h1 small{font-weight:normal;color:#667;font-size:14px}h2{margin-top:32px;border-bottom:1px solid #dde;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:right}th{background:#f3f4f8}td:first-child,th:first-child{text-align:left}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}.card{border:1px solid #dde;border-radius:6px;padding:10px}.card b{display:block;font-size:22px}.card span{color:#556}
.card.ok{border-color:#3a3;background:#f2fbf2}.card.bad{border-color:#c33;background:#fdf2f2}.pass{color:#171;font-weight:bold}.fail{color:#b11;font-weight:bold}
.note{color:#556;font-size:13px}.formula{font-family:ui-monospace,monospace;background:#f6f6f9;padding:8px}.chart{margin:8px 0}
</style></head><body>
${sections.join('\n')}
<script type="application/json" id="data">${data}</script>
<script>${js}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}

/** Runs in the page: draws the charts from the embedded data with uPlot. */
const CHART_SCRIPT = `
const d = JSON.parse(document.getElementById('data').textContent);
const W = Math.min(1100, document.body.clientWidth - 20);
const colours = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2'];
function plot(id, title, xs, series, yLabel) {
  const el = document.getElementById(id);
  if (!el) return;
  if (!xs.length) { el.textContent = 'No timeline in this summary (k6 keeps it in its own output).'; return; }
  new uPlot({ title, width: W, height: id === 'chart-errors' ? 200 : 280,
    scales: { x: { time: false } },
    axes: [{ label: 'seconds into the run' }, { label: yLabel }],
    series: [{ label: 's' }, ...series.map((s, i) => ({ label: s.label, stroke: s.colour || colours[i % colours.length], width: 2, spanGaps: true }))] },
    [xs, ...series.map((s) => s.values)], el);
}
const t = d.timeline.map((p) => p.t);
plot('chart-throughput', 'requests/s', t, [
  { label: 'offered', values: d.timeline.map((p) => p.offeredRate) },
  { label: 'achieved (ok)', values: d.timeline.map((p) => p.achievedRate) },
], 'requests/s');
plot('chart-latency', 'latency (ms)', t, ['p50','p95','p99','max'].map((q) => ({ label: q, values: d.timeline.map((p) => p.all.count ? p.all[q] : null) })), 'ms');
plot('chart-routes', 'p99 by route (ms)', t, d.routes.map((r) => ({ label: r, values: d.timeline.map((p) => p.routes[r] ? p.routes[r].p99 : null) })), 'ms');
plot('chart-errors', 'error rate and dropped arrivals', t, [
  { label: 'error rate %', values: d.timeline.map((p) => p.errorRate * 100) },
  { label: 'dropped', values: d.timeline.map((p) => p.dropped) },
], '% / count');
const rt = d.resources.map((r) => r.t);
plot('chart-resources', 'resources', rt, [
  { label: 'target CPU %', values: d.resources.map((r) => r.targetCpuPercent ?? null) },
  { label: 'target RSS MB', values: d.resources.map((r) => r.targetRssMb ?? null) },
  { label: 'runner CPU %', values: d.resources.map((r) => r.runnerCpuPercent) },
  { label: 'runner event-loop p99 ms', values: d.resources.map((r) => r.runnerEventLoopDelayP99Ms) },
  { label: 'DB connections', values: d.resources.map((r) => r.dbConnections ?? null) },
], 'mixed units');
`;
