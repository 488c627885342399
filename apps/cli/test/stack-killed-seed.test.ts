// A stack killed while it seeds (SIGKILL, no chance to clean up) must not leave a data dir that
// looks seeded when it is not: each app seeds in one transaction and tells "seeded" by its rows, so
// a restart finds either nothing of an app's seed or all of it, and finishes what is missing.
// Runs the built cli (`dist/main.js`) as a child process, killed at four points of its seeding.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@shikaku/db/database';

const MEMBERS = 3_000;
const main = new URL('../dist/main.js', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/**
 * Starts `shikaku stack` on `dataDir`; kills it (SIGKILL) once stderr shows `killAt`, or stops it
 * (SIGTERM) once it is ready. Resolves with what it printed on stderr and whether it got ready.
 */
function runStack(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  killAt: string | undefined,
): Promise<{ stderr: string; ready: boolean; firstLine: string }> {
  const child = spawn(
    process.execPath,
    [
      main,
      'stack',
      '--json',
      '--port',
      '0',
      '--members',
      String(MEMBERS),
      '--seed',
      '19',
      '--as-of',
      '2021-07-15',
      '--data-dir',
      dataDir,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  let ready = false;
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (killAt && stderr.includes(killAt)) child.kill('SIGKILL');
  });
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    if (chunk.includes('"apps"')) {
      ready = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((done) =>
    child.on('exit', () => done({ stderr, ready, firstLine: stdout.split('\n')[0] ?? '' })),
  );
}

describe('a stack killed while seeding', () => {
  it('restarts into a whole seed: no app is left half-seeded, nothing is duplicated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stack-killed-seed-'));
    dirs.push(dir);
    // The embedded database: a DATABASE_URL in the test's environment (CI sets one) would send
    // the stack to that PostgreSQL instead.
    const { DATABASE_URL: _url, DATABASE_READ_URL: _readUrl, ...inherited } = process.env;
    const env = { ...inherited, SHIKAKU_CACHE_DIR: join(dir, 'cache'), LOG_LEVEL: 'silent' };
    const dataDir = join(dir, 'stack');

    // Killed in the middle of each app's seed in turn: the earlier apps' seeds are kept, the one
    // being written is gone entirely.
    for (const phase of [
      'jlis: seed residents…',
      'insurer-api: seed members…',
      'eligibility-api: load seeded qualifications…',
      'portal: seed institutions…',
    ]) {
      const killed = await runStack(dataDir, env, phase);
      expect(killed.ready, `killed at ${phase}`).toBe(false);
      expect(killed.stderr).toContain(phase);
    }
    // Warnings on: the stack's log goes to stdout, and a caller of `--json` (the load test) reads
    // its first line as the stack's description, even when this start takes over a killed
    // stack's lock of the data dir (told on stderr).
    const last = await runStack(dataDir, { ...env, LOG_LEVEL: 'warn' }, undefined);
    expect(last.ready).toBe(true);
    expect(last.stderr).toMatch(/took over stack\.lock of pid \d+ .*which is no longer running/);
    expect(Object.keys((JSON.parse(last.firstLine) as { apps: object }).apps)).toContain(
      'eligibility-api',
    );

    const handle = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    try {
      const query = async <Row>(text: string) => (await handle.pglite!.query<Row>(text)).rows;
      const count = async (table: string) =>
        (await query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
      expect(await count('jlis.residents')).toBe(MEMBERS);
      expect(await count('intermediate.registrations')).toBe(MEMBERS);
      expect(await count('intermediate.outbox')).toBe(MEMBERS);
      expect(await count('eligibility.qualifications')).toBe(MEMBERS);
      // Every registration reached the eligibility store once, and the cursor stands at the end
      // of the outbox: nothing left to relay, nothing relayed twice.
      const rows = await query<{ missing: number; cursor: number; last: number }>(`
        select (select count(*)::int from intermediate.registrations r
                where not exists (select 1 from eligibility.qualifications q
                                  where q.qualification_id = r.qualification_id)) as missing,
               (select last_sequence::int from eligibility.outbox_cursor
                where consumer = 'eligibility-api') as cursor,
               (select max(first_sequence + size - 1)::int from intermediate.outbox_batches) as last`);
      expect(rows[0]!.missing).toBe(0);
      expect(rows[0]!.cursor).toBe(rows[0]!.last);
      // One sample practitioner per institution however many starts registered them: a restart
      // keeps the one in the keys file that eligibility-api still lists.
      const [practitioners] = await query<{ n: number; institutions: number }>(
        `select count(*)::int as n, count(distinct institution_code)::int as institutions
         from eligibility.practitioners`,
      );
      expect(practitioners!.n).toBeGreaterThan(0);
      expect(practitioners!.n).toBe(practitioners!.institutions);
      // Every institution the portal holds as operating when the stack starts (09:00 JST on the
      // --as-of day) is known to eligibility-api (registered in bulk at every start, an upsert):
      // none missing, none twice (the code is its key).
      const [institutions] = await query<{ operating: number; unregistered: number }>(
        `select count(*)::int as operating,
                count(*) filter (where not exists (
                  select 1 from eligibility.institutions e
                  where e.institution_code = p.institution_code and e.name = p.name))::int
                  as unregistered
         from portal.institutions p
         where p.operating_at <= timestamptz '2021-07-15 09:00:00+09:00'`,
      );
      expect(institutions!.operating).toBeGreaterThan(0);
      expect(institutions!.unregistered).toBe(0);
      // The portal's seed (many transactions) was cleared and written again whole, once: its last
      // write is there once, and the demo logins are not doubled.
      expect(await count('portal.notices')).toBe(1);
      expect(
        await query(`select count(*)::int as n from portal.accounts where role = 'operator'`),
      ).toEqual([{ n: 1 }]);
    } finally {
      await handle.close();
    }
  });
});
