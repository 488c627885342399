import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  analyse,
  headlineFigures,
  type Analysis,
  type CheckStatus,
  type HeadlineFigure,
} from './analysis.js';
import { deriveNationalPeak, deriveRequestMix, ROUTES } from './profile.js';
import type { LoadSummary } from './summary.js';
import { analyseTopology, type TopologyAnalysis } from './topology-analysis.js';

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

function headline(figures: HeadlineFigure[], valid: boolean): string {
  return `<div class="cards">${figures
    .map(
      (f, i) =>
        `<div class="card${i === 0 ? (valid ? ' ok' : ' bad') : ''}"><span>${escapeHtml(f.label)}</span><b>${escapeHtml(f.value)}</b></div>`,
    )
    .join('')}</div>`;
}

const statusCell = (status: CheckStatus) =>
  status === 'pass'
    ? '<span class="pass">ok</span>'
    : status === 'fail'
      ? '<span class="fail">FAIL</span>'
      : '<span class="unknown">not checked</span>';

function validitySection(a: Analysis): string {
  return `<h2>Is this run valid?</h2>
<p class="${a.validity.valid ? 'pass' : 'fail'}">This run is ${escapeHtml(a.validity.verdict)}.</p>
${table(
  ['check', 'measured', 'limit', 'result'],
  a.validity.checks.map((c) => [
    escapeHtml(c.name),
    escapeHtml(c.measured),
    escapeHtml(c.limit),
    statusCell(c.status),
  ]),
)}
<p class="note">Capacity figures are read only from a valid run: a starved load generator offers less than it scheduled and times its own queueing; an overcommitted machine measures the other work on it.</p>`;
}

function plateauSection(summary: LoadSummary, a: Analysis): string {
  if (a.plateaus.length === 0) {
    return `<h2>Steady state</h2><p>No plateau: this profile holds no rate long enough to measure a steady state (ramps show where latency bends, below). Run <code>national-peak</code> or <code>steps</code> for a capacity figure.</p>`;
  }
  return `<h2>Steady state (plateaus of held rates, warm-up excluded)</h2>
${table(
  [
    'stage',
    'measured s',
    'warm-up left out s',
    'offered /s',
    'achieved /s median',
    'achieved /s p10–p90',
    'p50 ms',
    'p99 ms (median of seconds)',
    'p99 ms (9 seconds in 10)',
    'requests',
    'errors % of completed',
    'dropped % of offered',
    'within SLOs',
  ],
  a.plateaus.map((p) => [
    escapeHtml(p.stage),
    `${num(p.startS, 0)}–${num(p.endS, 0)}`,
    p.warmupExcludedS,
    p.offeredRate,
    p.achieved.median,
    `${num(p.achieved.p10)}–${num(p.achieved.p90)}`,
    p.p50Ms,
    p.p99Ms,
    p.p99P90Ms,
    p.requests,
    pct(p.errorShare),
    pct(p.droppedShare, 1),
    p.withinSlo
      ? '<span class="pass">yes</span>'
      : `<span class="fail">no</span>: ${escapeHtml(p.sloBroken.join('; '))}`,
  ]),
)}
<p class="note">Each held stage's first ${summary.windowS}-second window is warm-up, and so is every following window whose throughput is 20% off, or whose p99 twice, the stage's settled second half. Throughput is per ${summary.windowS}-second window.</p>
${a.plateaus.length > 1 ? '<h3>Throughput–latency curve</h3><div id="chart-curve-throughput" class="chart"></div><div id="chart-curve-latency" class="chart"></div>' : ''}`;
}

const orDash = (value: number | null, digits = 1, unit = '') =>
  value === null ? '–' : `${num(value, digits)}${unit}`;

/** The topology the run measured: its processes, each instance's share, and the database. */
function topologySection(summary: LoadSummary, a: Analysis, t: TopologyAnalysis): string {
  const topology = summary.topology!;
  const stage = t.stage ? `the plateau of “${escapeHtml(t.stage)}”` : 'the whole run (no plateau)';
  return `<h2>Topology</h2>
<p>${t.instances.length} eligibility-api instances behind the load generator’s round-robin (each arrival to the next instance, so each is offered an equal share), ${topology.others.length ? `with ${escapeHtml(topology.others.map((o) => o.name).join(', '))}, ` : ''}on one PostgreSQL primary (${escapeHtml(topology.primary)}: writes and the access log) and ${topology.replica ? `a streaming replica (${escapeHtml(topology.replica)}: eligibility lookups${topology.replication ? `; ${escapeHtml(topology.replication)} when the run started` : ''})` : 'no replica'}. All of it and the load generator shared this machine’s ${topology.cores} cores and ${num(topology.memoryGb)} GB. ${topology.startedByRunner ? 'Started by the load test and torn down after' : `Given with --topology ${escapeHtml(topology.dir)}`}.</p>
${table(
  [
    'instance',
    'URL',
    'pid',
    'requests',
    'ok',
    'errors',
    'dropped',
    'p50 ms (run)',
    'p99 ms (run)',
    'plateau achieved /s median (p10–p90)',
    'plateau p99 ms',
    'CPU % of one core',
    'RSS MB (peak)',
  ],
  t.instances.map((i) => [
    escapeHtml(i.name),
    escapeHtml(i.url),
    i.pid ?? '–',
    i.requests,
    i.ok,
    i.errors,
    i.dropped,
    i.p50Ms,
    i.p99Ms,
    i.plateau
      ? `${num(i.plateau.achieved.median)} (${num(i.plateau.achieved.p10)}–${num(i.plateau.achieved.p90)})`
      : '–',
    i.plateau ? i.plateau.p99Ms : '–',
    orDash(i.cpuPercent),
    orDash(i.rssMb, 0),
  ]),
  'topology',
)}
<p class="note">Per-instance figures come from the requests tagged with the instance they went to; the plateau columns and CPU are read on ${stage}${t.imbalance !== null ? `; highest ÷ lowest instance throughput there: ${num(t.imbalance, 2)}` : ''}.</p>
<h3>Database</h3>
${table(
  ['item', 'measured'],
  [
    ['primary CPU (median, % of one core)', orDash(t.database.primaryCpuPercent)],
    ['replica CPU (median, % of one core)', orDash(t.database.replicaCpuPercent)],
    ['primary cores per 1,000 requests/s', orDash(t.database.primaryCoresPerKilo, 3)],
    ['replica cores per 1,000 requests/s', orDash(t.database.replicaCoresPerKilo, 3)],
    ['access-log rows written per second (primary)', orDash(t.database.accessLogRowsPerS)],
    ['access-log rows per request', orDash(t.database.accessLogRowsPerRequest, 2)],
    [
      'WAL written per second',
      orDash(t.database.walBytesPerS === null ? null : t.database.walBytesPerS / 1024, 0, ' KiB'),
    ],
    ['replica replay lag, worst', orDash(t.database.replicaLagMaxMs, 0, ' ms')],
  ],
)}
${a.capacityWithheld === null ? '' : '<p class="fail">These figures are from a run that gives no instance count (see its verdict above): read them as what it measured, not as capacity.</p>'}`;
}

function topologyCapacity(t: TopologyAnalysis): string {
  return `<h3>Instances and database for each scenario</h3>
${table(
  [
    'growth scenario',
    'required rate /s',
    'eligibility-api instances',
    'primary cores',
    'replica cores',
    'access-log rows/s',
  ],
  t.capacity.map((c) => [
    escapeHtml(c.scenario),
    c.requiredRate,
    c.instances ?? '– (not stated)',
    c.primaryCores ?? '–',
    c.replicaCores ?? '–',
    c.accessLogRowsPerS ?? '–',
  ]),
)}
<p>Bottleneck: ${escapeHtml(t.bottleneck)}.</p>
<p class="note">Database cores are this run’s cost per request scaled to each rate at the same u; the primary takes every write and the access log and does not scale out with the instances, the replica’s reads can be spread over more replicas.</p>`;
}

export async function renderReport(summary: LoadSummary): Promise<string> {
  const a = analyse(summary);
  const topology = analyseTopology(summary, a);
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
    plateaus: a.plateaus,
    instances: topology?.instances.map((i) => i.name) ?? [],
  };
  const data = JSON.stringify(chartData).replaceAll('<', '\\u003c');
  const sections = [
    `<h1>Load test: ${escapeHtml(summary.profile.name)} <small>${escapeHtml(summary.runner)} runner · ${escapeHtml(summary.startedAt)}</small></h1>
<p>${escapeHtml(summary.profile.description)} Target ${escapeHtml(summary.target)}, ${num(summary.durationS, 0)} s measured (duration scale ${summary.durationScale}, rate scale ${summary.profile.rateScale}).${summary.stoppedEarly ? ` <b>Stopped early:</b> ${escapeHtml(summary.stoppedEarly)}.` : ''}</p>`,
    headline(headlineFigures(summary, a), a.validity.valid),
    validitySection(a),
    ...(topology ? [topologySection(summary, a, topology)] : []),
    plateauSection(summary, a),
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
            ['type', 'count', 'share of offered arrivals'],
            Object.entries(summary.errors)
              .sort((x, y) => y[1] - x[1])
              .map(([type, count]) => [
                escapeHtml(type),
                count,
                pct(count / Math.max(1, summary.totals.scheduled)),
              ]),
          )}`
        : '<p>No errors.</p>'
    }
<p>Totals: ${num(summary.totals.scheduled, 0)} scheduled, ${num(summary.totals.sent, 0)} sent, ${num(summary.totals.ok, 0)} ok, ${num(summary.totals.errors, 0)} errors, ${num(summary.totals.dropped, 0)} dropped.</p>`,
    `<h2>Saturation point</h2><p>${
      a.saturation
        ? `Latency bent at an offered ${num(a.saturation.offeredRate, 0)} requests/s (${a.saturation.atS} s into the run): ${escapeHtml(a.saturation.reason)}. Errors ${a.saturation.errorsBefore ? 'had already appeared before it' : 'had not yet appeared'}.`
        : a.ceiling
          ? `No bend along the ramps; the held rate of ${num(a.ceiling.offeredRate, 0)} requests/s saturated (see the steady state above).`
          : 'Not reached: p99 stayed within twice its early baseline and throughput kept up with the offered rate. The sustained rate is a lower bound; run <code>steps</code>, <code>stress</code> or <code>breakpoint</code> to find the limit.'
    }</p>`,
    `<h2>Headroom and capacity model</h2>
${
  a.capacityWithheld !== null
    ? `<p class="fail">No instance count: ${escapeHtml(a.capacityWithheld)}.</p>`
    : `<p>Per instance: <b>${num(a.basis!.perInstanceRate)}</b> requests/s${a.basis!.instancesMeasured > 1 ? ` (${num(a.basis!.rate)}/s carried by the ${a.basis!.instancesMeasured} instances together, spread over the p10–p90 that follows)` : ''} (p10–p90 ${num(a.basis!.spread.p10)}–${num(a.basis!.spread.p90)}), ${a.basis!.source === 'sustained-within-slo' ? `the highest plateau sustained within the SLOs${a.basis!.lowerBound ? ' (not saturated: the instance can do more, so the counts below are an upper bound)' : ''}` : 'the throughput of a saturated plateau (no plateau met the SLOs: the instance’s ceiling, planned at u below it)'}; ${pct(a.headroom, 1)} of the national design peak (${num(a.designRate, 0)}/s).</p>`
}
<p class="formula">${escapeHtml(a.formula)}</p>
${table(
  ['growth scenario', 'factor', 'required rate /s', 'instances'],
  a.capacity.map((c) => [
    escapeHtml(c.scenario),
    c.factor,
    c.requiredRate,
    c.instances ?? '– (not stated)',
  ]),
)}
${topology ? topologyCapacity(topology) : ''}
<p class="note">u is the target utilisation: instances run at most ${pct(a.targetUtilisation, 0)} of what one sustained, leaving room for failover and uneven routing. An instance is what this run measured: ${escapeHtml(env?.instance ?? 'the target at --target (not described)')}. The database does not scale out the same way, so read instance counts above one as application processes, not databases.</p>`,
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
        ? `<div id="chart-cpu" class="chart"></div>${topology ? '<div id="chart-instances" class="chart"></div>' : ''}<div id="chart-memory" class="chart small"></div><div id="chart-lag" class="chart small"></div><div id="chart-load" class="chart small"></div><div id="chart-pressure" class="chart small"></div>`
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
              ['one instance', escapeHtml(env.instance ?? '–')],
              [
                'members seeded through the registration path',
                env.members === undefined ? '–' : num(env.members, 0),
              ],
              [
                'qualifications in the eligibility store',
                env.eligibilityRows === undefined ? '–' : num(env.eligibilityRows, 0),
              ],
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
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}.card{border:1px solid #dde;border-radius:6px;padding:10px}.card b{display:block;font-size:16px}.card span{color:#556}
.card.ok{border-color:#3a3;background:#f2fbf2}.card.bad{border-color:#c33;background:#fdf2f2}.pass{color:#171;font-weight:bold}.unknown{color:#776}.fail{color:#b11;font-weight:bold}
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
plot('chart-errors', 'errors and dropped arrivals (% of offered)', t, [
  { label: 'errors', values: d.timeline.map((p) => p.offeredRate ? (p.errorRate * p.all.count) / (p.offeredRate * d.windowS) * 100 : null) },
  { label: 'dropped', values: d.timeline.map((p) => p.offeredRate ? p.dropped / (p.offeredRate * d.windowS) * 100 : null) },
], '% of offered');
const rt = d.resources.map((r) => r.t);
const res = (k) => d.resources.map((r) => r[k] ?? null);
plot('chart-cpu', 'CPU (% of one core)', rt, [
  { label: 'target', values: res('targetCpuPercent') },
  { label: 'PostgreSQL', values: res('postgresCpuPercent') },
  { label: 'load generator', values: res('runnerCpuPercent') },
  { label: 'whole machine', values: res('machineCpuPercent') },
  { label: 'steal', values: res('stealCpuPercent') },
  ...(d.instances.length ? [
    { label: 'PostgreSQL primary', values: res('primaryCpuPercent') },
    { label: 'PostgreSQL replica', values: res('replicaCpuPercent') },
  ] : []),
], '% of one core');
if (d.instances.length) plot('chart-instances', 'CPU per eligibility-api instance (% of one core)', rt,
  d.instances.map((name, i) => ({ label: name, values: d.resources.map((r) => r.instances && r.instances[i] ? (r.instances[i].cpuPercent ?? null) : null) })), '% of one core');
plot('chart-memory', 'resident memory (MB)', rt, [
  { label: 'target', values: res('targetRssMb') },
  { label: 'load generator', values: res('runnerRssMb') },
], 'MB');
plot('chart-lag', 'load generator event-loop delay p99 (ms)', rt, [
  { label: 'event-loop p99', values: res('runnerEventLoopDelayP99Ms') },
], 'ms');
plot('chart-load', 'load average, 1 minute (runnable tasks)', rt, [
  { label: 'load average', values: res('loadAverage1m') },
], 'tasks');
plot('chart-pressure', 'CPU pressure: time some task waited for a CPU (%)', rt, [
  { label: 'some avg10', values: res('cpuPressurePercent') },
], '%');
const pl = d.plateaus.slice().sort((x, y) => x.offeredRate - y.offeredRate);
const px = pl.map((p) => p.offeredRate);
const curve = (id, title, series, yLabel) => {
  const el = document.getElementById(id);
  if (!el || px.length < 2) return;
  new uPlot({ title, width: W, height: 260, scales: { x: { time: false } },
    axes: [{ label: 'offered (requests/s)' }, { label: yLabel }],
    series: [{ label: 'offered /s' }, ...series.map((s, i) => ({ label: s.label, stroke: colours[i % colours.length], width: 2, points: { show: true } }))] },
    [px, ...series.map((s) => s.values)], el);
};
curve('chart-curve-throughput', 'achieved vs offered (requests/s)', [
  { label: 'achieved median', values: pl.map((p) => p.achieved.median) },
  { label: 'achieved p10', values: pl.map((p) => p.achieved.p10) },
  { label: 'achieved p90', values: pl.map((p) => p.achieved.p90) },
], 'achieved (requests/s)');
curve('chart-curve-latency', 'latency vs offered (ms)', [
  { label: 'p50', values: pl.map((p) => p.p50Ms) },
  { label: 'p99', values: pl.map((p) => p.p99Ms) },
], 'latency (ms)');
`;
