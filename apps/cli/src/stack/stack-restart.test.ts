// A vendor configures a receipt computer with the demo clinic's printed client id and secret, a
// script with an insurer key: a stack restarted on its data dir (the database outlives the run)
// hands out the same ones and adds no credential rows; a credential the database no longer accepts
// (revoked, or an insurer's key replaced) gets a new one. A stack whose database dies with it
// issues new ones every run, as before.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@shikaku/db/database';
import { revokeCredential } from '@shikaku/db/eligibility/institutions';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import type { InsurerCredential } from '@shikaku/insurer-api/seed';
import { createLogger } from '@shikaku/platform/logger';
import { eligibilityApiComponent } from './eligibility-api.js';
import { insurerApiComponent } from './insurer-api.js';
import { jlisComponent } from './jlis.js';
import { CLIENT_CREDENTIALS_FILE, INSURER_CREDENTIALS_FILE } from './kept-credentials.js';
import { readerEmulatorComponent } from './reader-emulator.js';
import { type RunningStack, startStack } from './run-stack.js';

const COMPONENTS = [
  jlisComponent,
  insurerApiComponent,
  eligibilityApiComponent,
  readerEmulatorComponent,
];
const DEMO_CLINIC = '0110113719';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stack-restart-'));
  dirs.push(dir);
  return dir;
}

function start(dir: string, memory = false): Promise<RunningStack> {
  return startStack(COMPONENTS, {
    host: '127.0.0.1',
    basePort: 0,
    asOf: '2021-07-15',
    seed: 23,
    members: 60,
    dataDir: dir,
    memory,
    databaseUrl: undefined,
    only: undefined,
    logger: createLogger({ name: 'stack', level: 'silent' }),
  });
}

const component = (stack: RunningStack, name: string) =>
  stack.components.find((c) => c.name === name)!;

/** The demo clinic's credential as the stack prints it, and whether it says kept or new. */
function demoClinic(stack: RunningStack) {
  const note = component(stack, 'eligibility-api').notes.find((n) => n.startsWith('demo clinic'))!;
  const [, state, clientId, clientSecret] =
    /\((kept|new) credential\): clientId (\S+) clientSecret (\S+)/.exec(note)!;
  return { state, clientId: clientId!, clientSecret: clientSecret! };
}

function insurerKeysNote(stack: RunningStack): string {
  return component(stack, 'insurer-api').notes.find((n) => n.includes('insurer keys'))!;
}

async function logIn(stack: RunningStack, credential: { clientId: string; clientSecret: string }) {
  return fetch(
    `${component(stack, 'eligibility-api').url}/oqs-api-pro/MSA12020/ILI12020SV01/auth`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
      }),
    },
  );
}

async function rowCounts(handle: DatabaseHandle) {
  const count = async (table: string) =>
    (await handle.pglite!.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!
      .n;
  return {
    credentials: await count('eligibility.credentials'),
    liveCredentials: await count('eligibility.credentials where revoked_at is null'),
    practitioners: await count('eligibility.practitioners'),
    insurers: await count('intermediate.insurers'),
  };
}

async function insurerKeys(dir: string): Promise<InsurerCredential[]> {
  return JSON.parse(
    await readFile(join(dir, INSURER_CREDENTIALS_FILE), 'utf8'),
  ) as InsurerCredential[];
}

describe('a stack restarted on its data dir', () => {
  it('keeps the demo clinic credential and the insurer keys, adding no rows', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    await first.settled();
    const clinic = demoClinic(first);
    const keysFile = await readFile(join(dir, INSURER_CREDENTIALS_FILE), 'utf8');
    const rows = await rowCounts(first.handle);
    await first.close();

    expect(clinic.state).toBe('new');
    // The plaintext the next run reuses is the owner's only.
    expect((await stat(join(dir, CLIENT_CREDENTIALS_FILE))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, INSURER_CREDENTIALS_FILE))).mode & 0o777).toBe(0o600);

    for (let run = 0; run < 2; run++) {
      const again = await start(dir);
      try {
        await again.settled();
        expect(demoClinic(again)).toEqual({ ...clinic, state: 'kept' });
        // The secret the first run printed still logs in.
        expect((await logIn(again, clinic)).status).toBe(200);
        expect(await readFile(join(dir, INSURER_CREDENTIALS_FILE), 'utf8')).toBe(keysFile);
        const keys = await insurerKeys(dir);
        expect(insurerKeysNote(again)).toContain(`(${keys.length} kept, 0 new)`);
        // An insurer key of the first run opens the restarted insurer-api.
        const webhook = await fetch(`${component(again, 'insurer-api').url}/v1/webhook`, {
          headers: { authorization: `Bearer ${keys[0]!.key}` },
        });
        expect(webhook.status).toBe(200);
        // No credential or practitioner row piles up (the readers' credentials are kept too).
        expect(await rowCounts(again.handle)).toEqual(rows);
      } finally {
        await again.close();
      }
    }
  }, 180_000);

  it('replaces a kept credential the database no longer accepts, and only that one', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    await first.settled();
    const clinic = demoClinic(first);
    const keys = await insurerKeys(dir);
    // The clinic's credential is revoked (the portal does this), one insurer's key replaced.
    await revokeCredential(first.handle, DEMO_CLINIC, clinic.clientId, first.clock.now());
    const changed = keys[0]!;
    await upsertInsurer(
      first.handle,
      { insurerNumber: changed.insurerNumber, name: changed.name, webhookUrl: null, keyHash: 'x' },
      first.clock.now(),
    );
    const rows = await rowCounts(first.handle);
    await first.close();

    const again = await start(dir);
    try {
      await again.settled();
      const replaced = demoClinic(again);
      expect(replaced.state).toBe('new');
      expect(replaced.clientId).not.toBe(clinic.clientId);
      expect((await logIn(again, replaced)).status).toBe(200);
      expect((await logIn(again, clinic)).status).not.toBe(200);
      // One new row for the clinic; the revoked one stays on record.
      expect(await rowCounts(again.handle)).toEqual({
        ...rows,
        credentials: rows.credentials + 1,
        liveCredentials: rows.liveCredentials + 1,
      });
      const now = await insurerKeys(dir);
      expect(insurerKeysNote(again)).toContain(`(${keys.length - 1} kept, 1 new)`);
      expect(now.find((k) => k.insurerNumber === changed.insurerNumber)!.key).not.toBe(changed.key);
      expect(now.slice(1)).toEqual(keys.slice(1));
    } finally {
      await again.close();
    }
  }, 180_000);

  it('issues new credentials every run when the database dies with it', async () => {
    const dir = await dataDir();
    const seen: string[] = [];
    for (let run = 0; run < 2; run++) {
      const stack = await start(dir, true);
      try {
        await stack.settled();
        expect(demoClinic(stack).state).toBe('new');
        seen.push(demoClinic(stack).clientId);
      } finally {
        await stack.close();
      }
    }
    expect(seen[1]).not.toBe(seen[0]);
    await expect(stat(join(dir, CLIENT_CREDENTIALS_FILE))).rejects.toThrow(/ENOENT/);
  }, 180_000);
});
