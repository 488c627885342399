// How long the load generator waits on the resource sampler (the runner awaits sample() once a
// second inside its arrival loop) and its event-loop delay meanwhile:
//   node loadtests/scripts/sampler-bench.mjs [path to a built resources.js] [seconds]
import { resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const module = process.argv[2]
  ? pathToFileURL(resolve(process.argv[2])).href
  : new URL('../dist/resources.js', import.meta.url).href;
const seconds = Number(process.argv[3] ?? 20);
const { createResourceSampler } = await import(module);
const sampler = createResourceSampler({ targetPid: process.pid, dbConnections: async () => 1 });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const waits = [];
for (let i = 1; i <= seconds; i++) {
  await new Promise((done) => setTimeout(done, 1000));
  const started = performance.now();
  await sampler.sample(i);
  waits.push(performance.now() - started);
}
sampler.stop();
waits.sort((a, b) => a - b);
const at = (q) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))].toFixed(2);
const ms = (ns) => (ns / 1e6).toFixed(2);
console.log(
  `sample() awaited: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms; event loop delay p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms; ${seconds} samples`,
);
