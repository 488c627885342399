// The consultation desk (相談窓口) in headless Chromium, at 375 × 812 (every page visited is
// checked for horizontal overflow and the compact header; the extension also at 1280 × 800): a
// 機種未定 application with a special reason is queued for the call centre and operators; replies
// reach the facility on its page and by mail; an operator's extension to a date is respected by the
// deadline job until that date, and a declined application is cancelled after 8/1. Skips, saying
// so, when Chromium is not installed.
import { listMail } from '@shikaku/db/portal/mail';
import { findReaderApplication } from '@shikaku/db/portal/reader-applications';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runReaderDeadlineJob } from '../src/jobs/reader-deadline.js';
import {
  applyForReaders,
  chromiumAvailable,
  facilityPage,
  focusedId,
  go,
  openMailbox,
  PHONE,
  shot,
  skipWithoutChromium,
  staffPage,
  submit,
  text,
  useJourneys,
  VIEWPORTS,
} from './browser-kit.js';

skipWithoutChromium('browser journeys: the consultation desk');

describe.runIf(chromiumAvailable)(
  'browser journeys: the consultation desk (headless Chromium)',
  { timeout: 120_000 },
  () => {
    // 機種未定 was accepted from 2021-02-01 to 2021-03-31.
    const j = useJourneys('2021-03-20T10:00:00+09:00');
    const mailsTo = async (to: string, subject: RegExp) =>
      (await listMail(j().h.handle, { to })).filter((m) => subject.test(m.subject));
    /** The deadline job, run at `at`, cancels the application: its page says so, one mail too. */
    const expectCancelledByJob = async (
      at: string,
      page: Page,
      detailUrl: string,
      id: number,
      email: string,
    ) => {
      const { h } = j();
      h.clock.set(at);
      await runReaderDeadlineJob(h.handle, h.clock);
      expect((await findReaderApplication(h.handle, id))?.status).toBe('cancelled');
      await go(page, detailUrl);
      expect(await text(page, '#status')).toContain('取消');
      expect(await mailsTo(email, /お申し込みを取り消しました/)).toHaveLength(1);
    };

    for (const viewport of VIEWPORTS) {
      const w = viewport.width;

      it(`the desk: queued, answered by the call centre, extended by an operator; the job respects the date (${w} px)`, async () => {
        const { h, base } = j();
        h.clock.set('2021-03-20T10:00:00+09:00');
        const question = 'システム事業者から見積りが届いていない';
        const answer = '見積りの依頼日を教えてください。';
        const { page, email } = await facilityPage(j(), viewport, 'dental-clinic', '相談歯科');
        const detailUrl = await applyForReaders(page, base, 'undecided', 1, question);
        const id = Number(detailUrl.split('/').pop());

        // The call centre sees it in the queue and replies (an empty reply is refused first).
        const centre = await staffPage(j(), viewport, 'callcentre');
        await go(centre, `${base}/operator/consultations?status=open`);
        expect(await text(centre, '#consultation-queue')).toContain(question);
        await submit(centre, `a[href="/operator/consultations/${id}"]`);
        await submit(centre, 'form[action$="/replies"] button');
        expect(await focusedId(centre)).toBe('error-summary');
        expect(await text(centre, '#error-summary')).toContain('回答を入力してください');
        await centre.fill('#body', answer);
        await submit(centre, 'form[action$="/replies"] button');
        expect(await text(centre, '#consultation-thread')).toContain(answer);
        // Only an operator decides.
        expect(await centre.locator('form[action$="/decision"]').count()).toBe(0);

        // The facility reads the reply on its page and by mail.
        await go(page, detailUrl);
        expect(await text(page, '#consultation-thread')).toContain(answer);
        expect(await mailsTo(email, /相談窓口から回答がありました/)).toHaveLength(1);
        await openMailbox(page, base, email);
        expect(await text(page, 'main')).toContain('相談窓口から回答がありました');

        // An operator extends the deadline to a date, after a confirmation.
        const op = await staffPage(j(), viewport, 'operator');
        await go(op, `${base}/operator/consultations?status=open`);
        await submit(op, `a[href="/operator/consultations/${id}"]`);
        await op.check('input[name=decision][value=extend]');
        await op.fill('#until', '2021年8月31日');
        await submit(op, 'form[action$="/decision"] button');
        expect(await text(op, '#confirmation')).toContain('2021年8月31日まで延長する');
        await submit(op, '#confirmation button');
        expect(await text(op, '#consultation-status')).toContain('期限を延長');
        await shot(op, `27-desk-extended-${w}`);
        await go(page, detailUrl);
        expect(await text(page, '#status')).toContain('2021年8月31日 までに機種を選定してください');
        expect(await mailsTo(email, /機種選定期限を延長しました/)).toHaveLength(1);

        // The job after 8/2 leaves it; after 8/31 it cancels it.
        h.clock.set('2021-08-02T09:00:00+09:00');
        await runReaderDeadlineJob(h.handle, h.clock);
        expect((await findReaderApplication(h.handle, id))?.status).toBe('active');
        await go(page, detailUrl);
        expect(await text(page, '#status')).toContain('機種未定：2021年8月31日 まで');
        await expectCancelledByJob('2021-09-01T09:00:00+09:00', page, detailUrl, id, email);
        await shot(page, `28-desk-extended-then-cancelled-${w}`);
        await page.context().close();
        await centre.context().close();
        await op.context().close();
      });

      // Its operator pages (the decision, its confirmation) are the first journey's, which walks
      // them at 1280 px too; at 375 px each page's layout is checked.
      if (viewport === PHONE) {
        it(`the desk declines with a reason; the job then cancels the application (${w} px)`, async () => {
          const { h, base } = j();
          h.clock.set('2021-03-20T10:00:00+09:00');
          const { page, email } = await facilityPage(j(), viewport, 'clinic', '延長不可医院');
          const detailUrl = await applyForReaders(
            page,
            base,
            'undecided',
            1,
            '院長が入院中のため選定できない',
          );
          const id = Number(detailUrl.split('/').pop());

          const op = await staffPage(j(), viewport, 'operator');
          await go(op, `${base}/operator/consultations/${id}`);
          await op.check('input[name=decision][value=decline]');
          await submit(op, 'form[action$="/decision"] button');
          expect(await focusedId(op)).toBe('error-summary');
          expect(await text(op, '#error-summary')).toContain('延長しない理由を入力してください');
          await op.check('input[name=decision][value=decline]');
          await op.fill('#note', '期限内に電話での機種選定が可能なため');
          await submit(op, 'form[action$="/decision"] button');
          expect(await text(op, '#confirmation')).toContain('延長しない');
          await submit(op, '#confirmation button');
          expect(await text(op, '#consultation-status')).toContain('延長しない');

          await go(page, detailUrl);
          expect(await text(page, '#consultation')).toContain('期限の延長はいたしかねます');
          await expectCancelledByJob('2021-08-02T09:00:00+09:00', page, detailUrl, id, email);
          await page.context().close();
          await op.context().close();
        });
      }
    }
  },
);
