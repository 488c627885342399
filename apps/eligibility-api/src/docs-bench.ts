// How long the Swagger page takes (issue #14: under a second): the app listens on loopback and
// each round fetches what a browser fetches for /docs (the redirect, index.html, the CSS, the UI
// bundle, the initializer, the OpenAPI document), against a /health request in the same run.
//   pnpm --filter @shikaku/eligibility-api bench:docs [rounds]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildDocumentationApp } from './docs-app.js';

const rounds = Number(process.argv[2] ?? 20);
const PAGE = [
  '/docs',
  '/docs/static/index.html',
  '/docs/static/swagger-ui.css',
  '/docs/static/swagger-ui-bundle.js',
  '/docs/static/swagger-initializer.js',
  '/docs/json',
];

const { app, close } = await buildDocumentationApp();
const base = await app.listen({ host: '127.0.0.1', port: 0 });

async function fetchAll(paths: readonly string[]): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  let bytes = 0;
  for (const path of paths) {
    const response = await fetch(`${base}${path}`, { redirect: 'manual' });
    if (response.status >= 400)
      throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    bytes += (await response.arrayBuffer()).byteLength;
  }
  return { ms: performance.now() - start, bytes };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const first = await fetchAll(PAGE);
const page: number[] = [];
const json: number[] = [];
const health: number[] = [];
let bytes = 0;
for (let i = 0; i < rounds; i++) {
  health.push((await fetchAll(['/health'])).ms);
  const loaded = await fetchAll(PAGE);
  page.push(loaded.ms);
  bytes = loaded.bytes;
  json.push((await fetchAll(['/docs/json'])).ms);
}
await close();

const fixed = (ms: number) => ms.toFixed(1);
console.log(
  JSON.stringify({
    rounds,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    firstPageLoadMs: Number(fixed(first.ms)),
    pageLoadMedianMs: Number(fixed(median(page))),
    pageLoadMaxMs: Number(fixed(Math.max(...page))),
    docsJsonMedianMs: Number(fixed(median(json))),
    healthMedianMs: Number(fixed(median(health))),
    pageToHealthRatio: Number((median(page) / median(health)).toFixed(1)),
    pageBytes: bytes,
  }),
);
