// Three instances of a job runner share one database: every queue item is done exactly once, and an
// instance killed mid-job (it claimed, then vanished) has its items taken over after the lease, with
// nothing done twice. Counted, not timed: the lease runs out because the injected clock moves.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { claimLeasedRows, jobLockKey, type LeasedQueue, runExclusive } from './claims.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import {
  findBulkInquiry,
  claimAcceptedBulkInquiries,
  completeBulkInquiry,
  insertBulkInquiry,
  BULK_INQUIRY_LEASE_MS,
} from './eligibility/bulk-inquiries.js';
import { upsertInsurer } from './intermediate/insurers.js';
import { claimDueWebhooks, recordWebhookAttempt } from './intermediate/notifications.js';
import { claimUnsentMail, insertMail, markMailSent } from './portal/mail.js';
import { describeEachDatabase } from './testing/test-database.js';
import { sql } from 'kysely';

const T0 = new Date('2021-07-15T01:00:00Z');
const LEASE_MS = 60_000;
const INSTANCES = 3;

/** Three handles on one database: separate pools on PostgreSQL, the one PGlite handle otherwise. */
async function instancesOf(handle: DatabaseHandle): Promise<DatabaseHandle[]> {
  if (!handle.url) return Array.from({ length: INSTANCES }, () => handle);
  return Promise.all(
    Array.from({ length: INSTANCES }, () => openDatabase({ url: handle.url, poolSize: 3 })),
  );
}

const opened: DatabaseHandle[] = [];
afterAll(async () => {
  await Promise.all(opened.map((h) => h.close()));
});

/**
 * Runs `INSTANCES` runners until none of them claims anything: each claims a batch, does each item
 * (counted per id), then completes it. Answers how often each id was done.
 */
async function runInstances(
  handles: DatabaseHandle[],
  claim: (handle: DatabaseHandle, holder: string) => Promise<number[]>,
  complete: (handle: DatabaseHandle, id: number) => Promise<boolean>,
): Promise<Map<number, number>> {
  const done = new Map<number, number>();
  await Promise.all(
    handles.map(async (handle, i) => {
      for (;;) {
        const ids = await claim(handle, `instance-${i}`);
        if (ids.length === 0) return;
        for (const id of ids) {
          // The effect counts only when its completion is the one that wins.
          if (await complete(handle, id)) done.set(id, (done.get(id) ?? 0) + 1);
        }
      }
    }),
  );
  return done;
}

describeEachDatabase('claims across instances', ({ handle, kind }) => {
  it('sends each mail once with three dispatchers; a killed one’s mail is taken over after the lease', async () => {
    const instances = await instancesOf(handle());
    if (kind === 'postgres') opened.push(...instances);
    const total = 150;
    await insertMail(
      handle().db,
      Array.from({ length: total }, (_, i) => ({
        to: `m${i}@example.jp`,
        subject: 's',
        body: 'b',
      })),
      T0,
    );
    // The killed instance: claims 7 and is never heard of again.
    const abandoned = await claimUnsentMail(handle(), {
      now: T0,
      leaseMs: LEASE_MS,
      limit: 7,
      holder: 'killed',
    });
    expect(abandoned).toHaveLength(7);
    let now = T0;
    const claim = async (h: DatabaseHandle, holder: string) =>
      (await claimUnsentMail(h, { now, leaseMs: LEASE_MS, limit: 5, holder })).map((m) => m.id);
    const send = (h: DatabaseHandle, id: number) => markMailSent(h, id, now);
    const first = await runInstances(instances, claim, send);
    expect(first.size).toBe(total - 7);
    expect([...first.values()].every((n) => n === 1)).toBe(true);
    for (const mail of abandoned) expect(first.has(mail.id)).toBe(false);
    // The lease runs out: the survivors take the seven over.
    now = new Date(T0.getTime() + LEASE_MS + 1);
    const second = await runInstances(instances, claim, send);
    expect([...second.keys()].sort((a, b) => a - b)).toEqual(abandoned.map((m) => m.id));
    // The killed instance wakes up late and finishes one: it was sent already, nothing changes.
    expect(await markMailSent(handle(), abandoned[0]!.id, now)).toBe(false);
    const sent = await sql<{
      n: number;
    }>`select count(*)::int as n from portal.mail_outbox where sent_at is not null`.execute(
      handle().db,
    );
    expect(sent.rows[0]!.n).toBe(total);
  });

  it('answers each bulk inquiry once, its access log written once, across a kill', async () => {
    const instances = await instancesOf(handle());
    if (kind === 'postgres') opened.push(...instances);
    const total = 30;
    for (let i = 0; i < total; i++) {
      await insertBulkInquiry(
        handle(),
        {
          receptionNumber: `R${String(i).padStart(4, '0')}`,
          institutionCode: '0110113719',
          confirmationDate: '2021-07-15',
          submittedAt: new Date(T0.getTime() + i),
          items: [],
        },
        // The first three were accepted by an instance that was killed before answering.
        i < 3 ? 'killed' : null,
      );
    }
    let now = new Date(T0.getTime() + 1_000);
    const numbers = new Map<number, string>();
    const claim = async (h: DatabaseHandle, holder: string) =>
      (await claimAcceptedBulkInquiries(h, { now, limit: 4, holder })).map((r) => {
        const id = Number(r.receptionNumber.slice(1));
        numbers.set(id, r.receptionNumber);
        return id;
      });
    const answer = (h: DatabaseHandle, id: number) =>
      completeBulkInquiry(h, numbers.get(id)!, { ok: id }, now, [
        {
          at: now,
          institutionCode: '0110113719',
          personRef: `P-${id}`,
          kind: 'bulk',
          items: ['qualification'],
          consentState: 'none',
          qualificationValidity: '1',
        },
      ]);
    const first = await runInstances(instances, claim, answer);
    expect(first.size).toBe(total - 3);
    now = new Date(T0.getTime() + BULK_INQUIRY_LEASE_MS + 1_000);
    const second = await runInstances(instances, claim, answer);
    expect([...second.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    // A late completion by the killed instance writes nothing.
    expect(await completeBulkInquiry(handle(), 'R0000', { late: true }, now, [])).toBe(false);
    expect((await findBulkInquiry(handle(), 'R0000', '0110113719'))?.result).toEqual({ ok: 0 });
    const logged = await sql<{
      n: number;
      people: number;
    }>`select count(*)::int as n, count(distinct person_ref)::int as people
       from eligibility.access_log where kind = 'bulk'`.execute(handle().db);
    expect(logged.rows[0]).toEqual({ n: total, people: total });
  });

  it('delivers each webhook once across instances; a killed claim is delivered after the lease', async () => {
    const instances = await instancesOf(handle());
    if (kind === 'postgres') opened.push(...instances);
    await upsertInsurer(
      handle(),
      {
        insurerNumber: '01130012',
        name: '保険者A',
        keyHash: 'k',
        webhookUrl: 'http://127.0.0.1:9/hook',
      },
      T0,
    );
    const total = 40;
    await sql`insert into intermediate.notifications
        (insurer_number, qualification_id, kind, message, dedupe_key, created_at)
      select '01130012', 'q-' || g, 'JLIS_RESULT', 'm', 'claims-test:' || g, ${T0}
      from generate_series(1, ${total}) g`.execute(handle().db);
    const abandoned = await claimDueWebhooks(handle(), { now: T0, leaseMs: LEASE_MS, limit: 4 });
    let now = T0;
    const claim = async (h: DatabaseHandle) =>
      (await claimDueWebhooks(h, { now, leaseMs: LEASE_MS, limit: 3 })).map((w) => w.id);
    const deliver = async (h: DatabaseHandle, id: number) => {
      await recordWebhookAttempt(h, {
        notificationId: id,
        insurerNumber: '01130012',
        attempt: 1,
        url: 'http://127.0.0.1:9/hook',
        outcome: 'delivered',
        statusCode: 200,
        error: null,
        attemptedAt: now,
        nextAttemptAt: null,
      });
      return true;
    };
    const first = await runInstances(instances, claim, deliver);
    expect(first.size).toBe(total - 4);
    now = new Date(T0.getTime() + LEASE_MS + 1);
    const second = await runInstances(instances, claim, deliver);
    expect([...second.keys()].sort((a, b) => a - b)).toEqual(abandoned.map((w) => w.id));
    const deliveries = await sql<{
      n: number;
      distinct_n: number;
    }>`select count(*)::int as n, count(distinct notification_id)::int as distinct_n
       from intermediate.webhook_deliveries`.execute(handle().db);
    expect(deliveries.rows[0]).toEqual({ n: total, distinct_n: total });
  });

  it('claims disjoint rows of any queue (the shared helper)', async () => {
    await sql`create table if not exists portal.claims_test (
      id int primary key, done boolean not null default false, lease timestamptz, holder text)`.execute(
      handle().db,
    );
    await sql`insert into portal.claims_test (id) select g from generate_series(1, 20) g`.execute(
      handle().db,
    );
    const queue: LeasedQueue = {
      table: 'portal.claims_test',
      key: 'id',
      leaseColumn: 'lease',
      holderColumn: 'holder',
      pending: 'not t.done',
      order: 't.id',
    };
    const claims = await Promise.all(
      ['a', 'b', 'c'].map((holder) =>
        claimLeasedRows<{ id: number; holder: string }>(handle(), queue, {
          now: T0,
          leaseMs: LEASE_MS,
          limit: 8,
          holder,
          returning: 't.id, t.holder',
        }),
      ),
    );
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});

describeEachDatabase('one instance at a time (advisory lock)', ({ handle, kind }) => {
  it('runs a job in one instance; a killed holder’s lock is freed with its connection', async () => {
    if (kind === 'pglite') {
      // One process, one connection: the job just runs.
      expect(await runExclusive(handle(), 'job', async () => 1)).toEqual({ ran: true, value: 1 });
      return;
    }
    const [a, b] = await instancesOf(handle());
    opened.push(a!, b!);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = runExclusive(a!, 'job', async () => {
      entered();
      await held;
      return 'a';
    });
    await inside;
    expect(await runExclusive(b!, 'job', async () => 'b')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: 'a' });
    expect(await runExclusive(b!, 'job', async () => 'b')).toEqual({ ran: true, value: 'b' });

    // A holder killed mid-run: its session holds the lock until the connection goes.
    const killed = new pg.Client({ connectionString: handle().url });
    await killed.connect();
    await killed.query('select pg_advisory_lock($1::bigint)', [jobLockKey('job')]);
    expect(await runExclusive(b!, 'job', async () => 'b')).toEqual({ ran: false });
    await killed.end();
    // The server frees it when it sees the session end; a run afterwards takes it.
    let run: Awaited<ReturnType<typeof runExclusive<string>>> = { ran: false };
    for (let i = 0; i < 50 && !run.ran; i++) {
      run = await runExclusive(b!, 'job', async () => 'b');
      if (!run.ran) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(run).toEqual({ ran: true, value: 'b' });
  });
});
