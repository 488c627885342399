// Benchmark of the write stage alone: `saveRegistrations` of --batches chunks of --batch new
// members (nine in ten with a J-LIS check queued, as a bulk file of new members) on one connection,
// against the members already in the database at --url (bench:bulk loads 10M there). No parsing,
// validation or classification: what the repository costs per row. Run it at two commits to
// compare two versions of the write path.
//
//   pnpm --filter @shikaku/insurer-api bench:save -- [--batches 30] [--batch 10000] [--url …]
import { parseArgs } from 'node:util';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { openDatabase } from '@shikaku/db/database';
import {
  deleteInsurerRegistrations,
  vacuumRegistrations,
} from '@shikaku/db/intermediate/bulk-load';
import { countRegistrations, saveRegistrations } from '@shikaku/db/intermediate/registrations';
import { migrateToLatest } from '@shikaku/db/migrate';
import { generatePopulation } from '@shikaku/synth/population';
import { v7 as uuidv7 } from 'uuid';
import { BENCH_URL_OPTION, benchArgv } from './bench-args.js';
import { registrationOfPerson } from '../seed.js';

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    batches: { type: 'string', default: '30' },
    batch: { type: 'string', default: '10000' },
    url: BENCH_URL_OPTION,
  },
});
const BATCHES = Number(values.batches);
const BATCH = Number(values.batch);
const INSURER = insurerNumberFromBody('0113998');
const at = new Date('2021-07-15T01:00:00Z');

const handle = await openDatabase({ url: values.url, poolSize: 2 });
await migrateToLatest(handle, ['intermediate']);
await deleteInsurerRegistrations(handle, INSURER);
if (handle.kind === 'postgres') await vacuumRegistrations(handle);
const registered = await countRegistrations(handle);

// Persons beyond bench:bulk's 11M (same seed): new numbers, as new cards of the bench insurer.
const FROM = 12_000_000;
const persons = generatePopulation({
  seed: 7,
  size: FROM + BATCHES * BATCH,
  asOf: '2021-07-15',
  from: FROM,
  to: FROM + BATCHES * BATCH,
});
const batches = Array.from({ length: BATCHES }, (_, b) =>
  Array.from({ length: BATCH }, (_, i) => {
    const person = persons.next().value!;
    const n = b * BATCH + i;
    return {
      ...registrationOfPerson(person, 'bench-secret', uuidv7()),
      insurerNumber: INSURER,
      cardSymbol: 'S1',
      cardNumber: `S${n}`,
      branchNumber: '00',
      registeredOn: '2021-07-15',
      checkStatus: n % 10 === 0 ? ('consistent' as const) : ('jlis-pending' as const),
      noHistory: n % 10 !== 0,
      sourceLine: n + 2,
      jlisCheck: n % 10 === 0 ? null : 'JLIS_NO_HISTORY',
    };
  }),
);

const started = performance.now();
let changed = 0;
for (const rows of batches) changed += (await saveRegistrations(handle, rows, at)).changed;
const seconds = (performance.now() - started) / 1000;
await deleteInsurerRegistrations(handle, INSURER);
await handle.close();

const rows = BATCHES * BATCH;
process.stdout.write(
  `${JSON.stringify({ registered, rows, batch: BATCH, changed, seconds: +seconds.toFixed(2) })}\n` +
    `saveRegistrations: ${Math.round(rows / seconds)} rows/s, ${((seconds * 1e6) / rows).toFixed(1)} µs/row (one connection, ${registered} registered)\n`,
);
