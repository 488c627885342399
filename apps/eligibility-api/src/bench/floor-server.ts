// The floors of the benchmark: what a confirmation's I/O costs with nothing else on the path. A bare
// node:http server (no framework, no token, no message rules, no views) that reads the search's
// body and answers fixed bytes of a real answer's size, after, by its step (argv[3]):
//   http    nothing (the HTTP exchange and the body's JSON.parse only),
//   lookup  the card lookup through the app's batcher (one round trip),
//   all     the lookup, then the access log's commit through the app's writer (both round trips).
// Whatever eligibility-api does per request costs at least `all`; the bench measures the floors
// beside the hello-world and the app when given `--floor` (docs/benchmarks.md, "the floors").
import { createServer } from 'node:http';
import { openDatabase } from '@shikaku/db/database';
import { createAccessLogWriter } from '@shikaku/db/eligibility/access-log';
import { findQualificationsWithRelatedByCard } from '@shikaku/db/eligibility/qualifications';
import { BENCH_INSTITUTION } from './bench-database.js';

const STEPS = ['http', 'lookup', 'all'] as const;
// Arguments: port, step, database URL, pool size (the bench passes the app's own).
const [portArgument, step = 'all', databaseUrl, poolSize = '20'] = process.argv.slice(2);
const port = Number(portArgument ?? 8203);
if (!(STEPS as readonly string[]).includes(step))
  throw new Error(`step must be one of ${STEPS.join(', ')}`);
if (!databaseUrl) throw new Error('the database URL is required (third argument)');
const handle = await openDatabase({ url: databaseUrl, poolSize: Number(poolSize) });
const accessLog = createAccessLogWriter(handle);

// A found member's answer is ~1.4 KB of JSON; the bench checks SegmentOfResult 1 in each answer.
const ANSWER = Buffer.from(
  JSON.stringify({
    XmlMsg: {
      MessageHeader: { SegmentOfResult: '1', padding: 'x'.repeat(1300) },
      MessageBody: { QualificationValidity: '1' },
    },
  }),
);
const HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface SearchInfo {
  InsurerNumber: string;
  InsuredIdentificationNumber: string;
  Birthdate: string;
}

async function answer(body: Buffer): Promise<void> {
  const message = JSON.parse(body.toString('utf8')) as {
    XmlMsg: { MessageBody: { QualificationConfirmSearchInfo: SearchInfo } };
  };
  const search = message.XmlMsg.MessageBody.QualificationConfirmSearchInfo;
  if (step === 'http') return;
  const birth = search.Birthdate;
  const found = await findQualificationsWithRelatedByCard(handle, {
    insurerNumber: search.InsurerNumber,
    insuredIdentificationNumber: search.InsuredIdentificationNumber,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
  });
  if (step === 'lookup') return;
  await accessLog.append({
    at: new Date(),
    institutionCode: BENCH_INSTITUTION,
    personRef: found.matched[0]?.personRef ?? null,
    kind: 'confirmation',
    items: ['qualification'],
    consentState: 'none',
    qualificationValidity: found.matched.length > 0 ? '1' : null,
  });
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    answer(Buffer.concat(chunks)).then(
      () => response.writeHead(200, HEADERS).end(ANSWER),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
});
server.listen(port, '127.0.0.1', () => process.send?.('ready'));
const stop = () => {
  server.close();
  void accessLog.close().then(() => handle.close());
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
