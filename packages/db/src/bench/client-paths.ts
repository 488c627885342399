// Benchmark: the client side of a confirmation's two round trips, without HTTP. Concurrent callers
// (a closed loop each) go through the same batchers the eligibility API uses: the card lookup
// (findQualificationsWithRelatedByCard), the access log's group commit (createAccessLogWriter),
// and both one after the other, as a search does. It prints answers per second and this process's
// CPU per call, to set beside the server's CPU per answer in the eligibility bench (the in-server
// cost of the same calls: docs/benchmarks.md, "cut by cut").
//
//   node packages/db/dist/bench/client-paths.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_eligibility [--callers 50]
//
// The database is one the eligibility bench filled (apps/eligibility-api/dist/bench/main.js); the
// access-log rows it writes stay there, as the eligibility bench's do.
import { parseArgs } from 'node:util';
import { openDatabase } from '../database.js';
import { type AccessLogEntry, createAccessLogWriter } from '../eligibility/access-log.js';
import { findQualificationsWithRelatedByCard } from '../eligibility/qualifications.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    callers: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
  },
});
if (!args['database-url']) throw new Error('--database-url is required (a filled bench database)');
const callers = Number(args.callers);
const seconds = Number(args.seconds);

const handle = await openDatabase({ url: args['database-url'], poolSize: 20 });
const writer = createAccessLogWriter(handle);
const sample = (
  await handle.pool!.query<{
    insurer_number: string;
    insured_identification_number: string;
    birth_date: string;
  }>(
    `select insurer_number, insured_identification_number, birth_date
     from eligibility.qualifications order by person_ref limit 2000`,
  )
).rows;
if (sample.length === 0) throw new Error('the database holds no qualifications: fill it first');

let next = 0;
const entry = (): AccessLogEntry => ({
  at: new Date(),
  institutionCode: '0110113719',
  personRef: 'bench-client-paths',
  kind: 'confirmation',
  items: ['qualification'],
  consentState: 'none',
  qualificationValidity: '1',
});
const lookup = () => {
  const row = sample[next++ % sample.length]!;
  return findQualificationsWithRelatedByCard(handle, {
    insurerNumber: row.insurer_number,
    insuredIdentificationNumber: row.insured_identification_number,
    birthDate: row.birth_date,
  });
};
const paths: Record<string, () => Promise<unknown>> = {
  'access-log entry': () => writer.append(entry()),
  'card lookup': lookup,
  'lookup, then entry': async () => {
    await lookup();
    await writer.append(entry());
  },
};

async function measure(call: () => Promise<unknown>, forSeconds: number) {
  let calls = 0;
  const end = Date.now() + forSeconds * 1000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (Date.now() < end) {
        await call();
        calls += 1;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: calls / forSeconds, cpuMicroseconds: (used.user + used.system) / calls };
}

for (const call of Object.values(paths)) await measure(call, 1); // warm-up
console.log(`client paths, ${callers} callers, ${seconds} s a window, Node ${process.version}`);
for (let round = 1; round <= Number(args.rounds); round++)
  for (const [name, call] of Object.entries(paths)) {
    const { perSecond, cpuMicroseconds } = await measure(call, seconds);
    console.log(
      `round ${round}  ${name.padEnd(20)} ${Math.round(perSecond).toLocaleString('en-US').padStart(7)}/s   ${cpuMicroseconds.toFixed(1).padStart(6)} µs client CPU a call`,
    );
  }
await writer.close();
await handle.close();
