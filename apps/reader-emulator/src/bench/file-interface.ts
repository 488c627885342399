import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { fixedClock } from '@shikaku/core/clock';
import { httpEligibilityClient } from '../eligibility-client.js';
import { FileInterface } from '../file-interface.js';

/**
 * How fast the terminal answers request files, beside the same searches sent straight over HTTP
 * in the same run (the baseline): the ratio is what the file round trip (read, parse, check,
 * write atomically) costs on top of the HTTP call. The search server is a local stand-in that
 * answers a fixed valid result, so the figure is the terminal's, not eligibility-api's.
 *
 *   node apps/reader-emulator/dist/bench/file-interface.js --files 2000
 */
const { values } = parseArgs({ options: { files: { type: 'string', default: '2000' } } });
const files = Number(values.files);
if (!Number.isInteger(files) || files < 1) throw new Error('--files is a whole number from 1');

const answer = {
  XmlMsg: {
    MessageHeader: {
      ProcessExecutionTime: '20211020093000',
      QualificationConfirmationDate: '20211020',
      MedicalInstitutionCode: '0110113719',
      ReferenceClassification: '2',
      SegmentOfResult: '1',
      ErrorCode: '',
      ErrorMessage: '',
      CharacterCodeIdentifier: '0',
    },
    MessageBody: { ProcessingResultStatus: '1', QualificationValidity: '1' },
  },
};
const server = Fastify();
server.post('/v1/auth/token', async () => ({ idToken: 't', expiresIn: 3600 }));
server.post('/oqs-api-pro/MSA01030/ILI01030SV01/search', async () => answer);
const url = await server.listen({ host: '127.0.0.1', port: 0 });

const request = (i: number) => ({
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20211020' },
    MessageBody: {
      QualificationConfirmSearchInfo: {
        InsurerNumber: '01130012',
        InsuredCardSymbol: '1234',
        InsuredIdentificationNumber: String(i),
        Birthdate: '19890913',
      },
    },
  },
});
const xml = (i: number) =>
  `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><QualificationConfirmationDate>20211020</QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>1234</InsuredCardSymbol><InsuredIdentificationNumber>${i}</InsuredIdentificationNumber><Birthdate>19890913</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;

const eligibility = httpEligibilityClient({ baseUrl: url, clientId: 'c', clientSecret: 's' });
await eligibility.search(request(0)); // log in, warm up

let started = performance.now();
for (let i = 0; i < files; i++) {
  const result = await eligibility.search(request(i));
  if (!result.ok) throw new Error(`baseline search failed: ${result.code}`);
}
const directSeconds = (performance.now() - started) / 1000;

const dir = await mkdtemp(join(tmpdir(), 'reader-bench-'));
const terminal = new FileInterface({
  requestDir: join(dir, 'requests'),
  responseDir: join(dir, 'responses'),
  medicalInstitutionCode: '0110113719',
  eligibility,
  clock: fixedClock(new Date()),
  settleMs: 0,
});
await terminal.start();
await terminal.stop(); // folders made; scans run below, by hand
for (let i = 0; i < files; i++) {
  await writeFile(join(dir, 'requests', `OQSsiquc01req_${String(i).padStart(8, '0')}.xml`), xml(i));
}
started = performance.now();
const report = await terminal.scan();
const fileSeconds = (performance.now() - started) / 1000;
if (report.answered.length !== files)
  throw new Error(`answered ${report.answered.length} of ${files}`);

await rm(dir, { recursive: true, force: true });
await server.close();

const directRate = files / directSeconds;
const fileRate = files / fileSeconds;
console.log(
  JSON.stringify({
    files,
    directSearchesPerSecond: Math.round(directRate),
    requestFilesPerSecond: Math.round(fileRate),
    ratio: Number((fileRate / directRate).toFixed(2)),
    meanFileMs: Number(((fileSeconds / files) * 1000).toFixed(2)),
  }),
);
