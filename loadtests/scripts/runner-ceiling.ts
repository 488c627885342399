// The Node runner's own ceiling: drive a null server (canned answers, in a worker thread so it has
// its own event loop) at a rate and print what the runner achieved, and its ratio to the rate.
// A load-test figure is only meaningful below this ceiling.
//   npx tsx --conditions=@shikaku/source loadtests/scripts/runner-ceiling.ts [rate=2000] [seconds=10]
import { Worker } from 'node:worker_threads';
import { runProfile } from '../src/node-runner.js';
import { loadProfile } from '../src/profile.js';
import { sampleFixtures } from '../src/testing/fake-eligibility.js';

const rate = Number(process.argv[2] ?? 2000);
const seconds = Number(process.argv[3] ?? 10);

const SERVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const login = JSON.stringify({ status: '0', msg: '', result: { accessToken: 't', refreshToken: 'r', idToken: 't', linkSysCharCd: '0' } });
const search = JSON.stringify({ XmlMsg: { MessageHeader: { SegmentOfResult: '1' }, MessageBody: { ProcessingResultStatus: '1', QualificationValidity: '1' } } });
const rest = JSON.stringify({ confirmationId: 'c', consentId: 'k', items: [] });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.url.includes('card-registrations') || req.url.includes('bulk') ? 201 : 200, { 'content-type': 'application/json' });
    res.end(req.url.endsWith('/auth') ? login : req.url.endsWith('/search') ? search : rest);
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

const worker = new Worker(SERVER, { eval: true });
const port = await new Promise<number>((done) => worker.once('message', done));
const { profile } = await loadProfile('national-peak');
const { summary } = await runProfile({
  profile: {
    ...profile,
    rateScale: rate / 2000,
    startPeakMultiple: 1,
    warmupS: 2,
    stages: [{ name: 'hold', durationS: seconds, targetPeakMultiple: 1 }],
  },
  fixtures: sampleFixtures(),
  target: `http://127.0.0.1:${port}`,
  seed: 1,
  confirmationDate: '2025-10-06',
});
const stage = summary.stages[0]!;
console.log(
  JSON.stringify({
    offeredRate: stage.offeredRate,
    achievedRate: stage.achievedRate,
    ratioToOffered: Math.round((stage.achievedRate / rate) * 1000) / 1000,
    p50Ms: stage.latencyMs.p50,
    p99Ms: stage.latencyMs.p99,
    dropped: stage.dropped,
    errors: stage.errors,
  }),
);
await worker.terminate();
