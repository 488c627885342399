// A fresh stack bulk-loads its seed: once insurer-api has seeded its outbox, eligibility-api fills
// its empty store from that outbox in one `insert … select` in the shared embedded database,
// instead of relaying every member over HTTP page by page. The eligibility side must end exactly as the relay leaves it
// (same rows, same cursor, the outbox fully relayed, the same cards linked), and a restart on the
// same data dir must neither seed again nor duplicate anything.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@shikaku/db/database';
import { createLogger } from '@shikaku/platform/logger';
import { eligibilityApiComponent } from './eligibility-api.js';
import { insurerApiComponent } from './insurer-api.js';
import { jlisComponent } from './jlis.js';
import { type RunningStack, startStack } from './run-stack.js';
import { PERSON_REF_SECRET_FILE } from './secrets.js';

const SEED = 19;
const MEMBERS = 1_500;
const AS_OF = '2021-07-15';
const COMPONENTS = [jlisComponent, insurerApiComponent, eligibilityApiComponent];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A data dir with a known personRef key, so two stacks derive the same personRefs. */
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'seed-equivalence-'));
  dirs.push(dir);
  await writeFile(join(dir, PERSON_REF_SECRET_FILE), 'a-fixed-person-ref-secret-for-the-test\n');
  return dir;
}

function start(dir: string, bulkSeed: boolean): Promise<RunningStack> {
  return startStack(COMPONENTS, {
    host: '127.0.0.1',
    basePort: 0,
    asOf: AS_OF,
    seed: SEED,
    members: MEMBERS,
    dataDir: dir,
    memory: false,
    databaseUrl: undefined,
    only: undefined,
    logger: createLogger({ name: 'stack', level: 'silent' }),
    bulkSeed,
  });
}

/** Everything the seeding leaves, in a stable order, without the times of the run. */
async function seededState(handle: DatabaseHandle) {
  const rows = async (query: string) =>
    (await handle.pglite!.query<Record<string, unknown>>(query)).rows;
  return {
    qualifications: await rows(
      `select * from eligibility.qualifications order by qualification_id`,
    ).then((all) => all.map(({ updated_at: _, ...row }) => row)),
    withheld: await rows(`select count(*)::int as n from eligibility.withheld_qualifications`),
    cursor: await rows(`select consumer, last_sequence from eligibility.outbox_cursor`),
    outbox: await rows(
      `select e.qualification_id, b.first_sequence + e.position as sequence
       from intermediate.outbox e join intermediate.outbox_batches b using (batch_id)
       order by sequence`,
    ),
    registrations: await rows(
      `select qualification_id, person_ref, insurer_number, card_number
       from intermediate.registrations order by qualification_id`,
    ),
    cardLinks: await rows(
      `select certificate_serial, person_ref, institution_code
       from eligibility.card_links order by certificate_serial`,
    ),
    residents: await rows(`select count(*)::int as n from jlis.residents`),
    certificates: await rows(`select count(*)::int as n from jlis.certificates`),
  };
}

describe('a fresh stack bulk-loads its seed', () => {
  it('ends as relaying every seeded member would: same rows, cursor, outbox and card links', async () => {
    const bulk = await start(await dataDir(), true);
    await bulk.settled();
    const bulkState = await seededState(bulk.handle);
    const bulkNotes = bulk.components.find((c) => c.name === 'eligibility-api')!.notes;
    await bulk.close();

    const relayed = await start(await dataDir(), false);
    await relayed.settled();
    const relayedState = await seededState(relayed.handle);
    const relayedNotes = relayed.components.find((c) => c.name === 'eligibility-api')!.notes;
    await relayed.close();

    // The population made it to every side.
    expect(bulkState.registrations).toHaveLength(MEMBERS);
    expect(bulkState.qualifications).toHaveLength(MEMBERS);
    expect(bulkState.residents).toEqual([{ n: MEMBERS }]);
    expect(bulkState.cardLinks.length).toBeGreaterThan(0);
    // Each way says how it went: one load and nothing left to relay, or every event relayed.
    expect(bulkNotes[0]).toMatch(
      new RegExp(`^qualification outbox: ${MEMBERS} seeded events bulk-loaded, 0 events applied`),
    );
    expect(relayedNotes[0]).toMatch(new RegExp(`^qualification outbox: ${MEMBERS} events applied`));
    // The outbox is fully relayed: the cursor stands at its last event.
    const last = Number(bulkState.outbox.at(-1)!['sequence']);
    expect(bulkState.cursor).toEqual([{ consumer: 'eligibility-api', last_sequence: last }]);
    // And everything is the same, row for row (the snapshot the bulk path builds in memory is the
    // one the outbox reader builds in SQL).
    expect(bulkState).toEqual(relayedState);
  });

  it('restarts on its data dir without seeding again or duplicating anything', async () => {
    const dir = await dataDir();
    const first = await start(dir, true);
    await first.settled();
    const before = await seededState(first.handle);
    await first.close();

    const again = await start(dir, true);
    await again.settled();
    const after = await seededState(again.handle);
    const notes = Object.fromEntries(again.components.map((c) => [c.name, c.notes]));
    const timings = again.timings.map((t) => t.name);
    await again.close();

    expect(after).toEqual(before);
    expect(notes['jlis']![0]).toMatch(new RegExp(`^${MEMBERS} residents;`));
    expect(notes['insurer-api']![0]).toMatch(new RegExp(`^${MEMBERS} members of`));
    expect(notes['eligibility-api']![0]).toMatch(/^qualification outbox: 0 events applied/);
    // Nothing was generated or loaded: a restart does no seeding work.
    expect(timings).not.toContain('generate population');
    expect(timings).not.toContain('eligibility-api: load seeded qualifications');
  });
});
