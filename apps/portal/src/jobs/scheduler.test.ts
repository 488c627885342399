// The deadline job when runs overlap (the interval and a move of the stack clock, or two
// instances): each application is reminded and cancelled once, with one mail each, and a move of
// the clock is acted on at its new time even while a run is in flight.
import { listMail } from '@shikaku/db/portal/mail';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { testDatabaseKinds } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { describe, expect, it } from 'vitest';
import { type Harness, signUp, startHarness } from '../testing/harness.js';
import { runReaderDeadlineJob } from './reader-deadline.js';
import { startPortalJobs } from './scheduler.js';

const EMAIL = 'dental@example.jp';

async function undecidedApplication(h: Harness): Promise<void> {
  const facility = await signUp(h.app, {
    institutionCode: '1330000017',
    facilityType: 'dental-clinic',
    email: EMAIL,
  });
  await facility.get('/readers');
  const created = await facility.post('/readers', { model: 'undecided', quantity: '1' });
  expect(created.statusCode).toBe(303);
}

const subjects = async (h: Harness) =>
  (await listMail(h.handle, { to: EMAIL })).map((m) => m.subject);
const count = (all: string[], text: string) => all.filter((s) => s.includes(text)).length;
const REMINDER = '機種選定期限が近づいています';
const CANCELLED = 'お申し込みを取り消しました';

describe.each(testDatabaseKinds())('the deadline job under overlap [%s]', (kind) => {
  it('three runs at once remind once and cancel once, one mail each', async () => {
    const h = await startHarness('2021-03-20T10:00:00+09:00', {}, kind);
    try {
      await undecidedApplication(h);
      h.clock.set('2021-07-20T10:00:00+09:00');
      const reminders = await Promise.all(
        [1, 2, 3].map(() => runReaderDeadlineJob(h.handle, h.clock)),
      );
      expect(reminders.reduce((n, r) => n + r.reminded, 0)).toBe(1);
      h.clock.set('2021-08-02T00:01:00+09:00');
      const cancels = await Promise.all(
        [1, 2, 3].map(() => runReaderDeadlineJob(h.handle, h.clock)),
      );
      expect(cancels.reduce((n, r) => n + r.cancelled, 0)).toBe(1);
      const mail = await subjects(h);
      expect(count(mail, REMINDER)).toBe(1);
      expect(count(mail, CANCELLED)).toBe(1);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('a clock move while a run is in flight is acted on at its new time, once', async () => {
    const h = await startHarness('2021-03-20T10:00:00+09:00', {}, kind);
    // The jobs' view of the clock tells when a run has read the time, and how many runs there
    // were (the deadline job reads it once per run).
    let readTime = () => {};
    let runs = 0;
    const clock = {
      now: () => {
        runs++;
        readTime();
        return h.clock.now();
      },
    };
    const jobs = startPortalJobs({
      handle: h.handle,
      clock,
      intervalMs: 0,
      logger: createLogger({ name: 'portal', level: 'silent' }),
    });
    try {
      await undecidedApplication(h);
      // A run starts (as the interval would) before the move; the move's own calls come while it
      // is in flight, and every one of them resolves after a run that saw the new time.
      await jobs.runOnce(); // the start's own run is over
      runs = 0;
      const read = new Promise<void>((resolve) => (readTime = resolve));
      const inFlight = jobs.runOnce();
      await read;
      h.clock.set('2021-08-02T00:01:00+09:00');
      await Promise.all([jobs.runOnce(), jobs.runOnce(), jobs.runOnce(), inFlight]);
      // The run in flight, then one run for the three calls that came meanwhile.
      expect(runs).toBe(2);
      const mail = await subjects(h);
      expect(count(mail, CANCELLED)).toBe(1);
      await Promise.all([jobs.runOnce(), jobs.runOnce()]);
      expect(runs).toBe(4);
      expect(count(await subjects(h), CANCELLED)).toBe(1);
    } finally {
      await jobs.stop();
      await h.close();
    }
  }, 60_000);
});
