// Issue #14's invariants, walked in headless Chromium at a phone's width (375 × 812), the two
// rejections also at a desktop's (1280 × 800); at 375 px every page visited is checked for
// horizontal overflow and the compact header (browser-kit.ts's checkLayout):
//  - one subsidy per facility, on readers applied for: a stale second form is refused with a link to
//    the first application, a facility without readers cannot claim any, an approval double clicked
//    or sent again from a second tab approves once and mails once;
//  - credentials are never revoked by a reload: issued on a POST, shown once, a reload says so and
//    offers an explicit rotation, and the first credential stays valid;
//  - decisions carry reasons: rejecting a usage or a subsidy application asks for the reason (an
//    empty one is refused in the error summary, which takes focus), confirms, mails the facility
//    and shows the reason on its page.
// The consultation desk is browser-desk.test.ts. Skips, saying so, when Chromium is not installed.
import { listMail } from '@shikaku/db/portal/mail';
import { listSubsidyApplications } from '@shikaku/db/portal/subsidy-applications';
import { listCredentials, listUsageApplications } from '@shikaku/db/portal/usage-applications';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  applyForReaders,
  applyForUsage,
  chromiumAvailable,
  doubleClickSubmit,
  facilityPage,
  focusedId,
  go,
  openMailbox,
  PHONE,
  reload,
  shot,
  skipWithoutChromium,
  staffPage,
  submit,
  text,
  useJourneys,
  VIEWPORTS,
} from './browser-kit.js';

skipWithoutChromium('browser journeys: the invariants');

const SUBSIDY_DECISION_SUBJECT = /補助金/;

describe.runIf(chromiumAvailable)(
  'browser journeys: the invariants (headless Chromium)',
  { timeout: 120_000 },
  () => {
    const j = useJourneys('2021-06-01T10:00:00+09:00');

    /** A subsidy application created, a receipt attached and submitted; answers its id. */
    async function fileSubsidy(page: Page, cost: string, readers: number): Promise<number> {
      const { base } = j();
      await go(page, `${base}/subsidies`);
      await page.fill('#projectCost', cost);
      await page.fill('#readers', String(readers));
      await submit(page, 'button[value=create]');
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      await attachAndSubmit(page);
      return id;
    }

    /** On an application's page: attaches a receipt, confirms and submits (受付番号 S-…). */
    async function attachAndSubmit(page: Page): Promise<void> {
      await page.setInputFiles('#receipt', {
        name: '領収書.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
      });
      await submit(page, 'form[action$="/receipts"] button');
      await submit(page, '#to-confirm');
      await submit(page, '#submit-subsidy');
      expect(await text(page, '#reception-number')).toMatch(/^S-\d{7}$/);
    }

    const mailsTo = async (to: string, subject: RegExp) =>
      (await listMail(j().h.handle, { to })).filter((m) => subject.test(m.subject));

    for (const viewport of VIEWPORTS) {
      const w = viewport.width;

      // At 1280 px these two walk the pages browser.test.ts walks at its desktop viewport (the
      // facility's subsidy and usage pages, the operator's approval), and assert nothing of the
      // width: they run at 375 px, where each page's layout is checked.
      if (viewport === PHONE) {
        it(`one subsidy per facility and per reader applied for; an approval sent twice approves once (${w} px)`, async () => {
          const { h, base } = j();
          h.clock.set('2021-06-01T10:00:00+09:00');
          const { page, code, email } = await facilityPage(j(), viewport, 'hospital', '補助金病院');

          // No reader application: nothing to claim, and the page says where to apply.
          await go(page, `${base}/subsidies`);
          expect(await text(page, '#subsidy-refusal')).toContain(
            'カードリーダーのお申し込みがないため、補助金を申請できません',
          );
          expect(await page.locator('#subsidy-refusal a[href="/readers"]').count()).toBe(1);
          expect(await page.locator('form[action="/subsidies"]').count()).toBe(0);
          await shot(page, `20-subsidy-no-readers-${w}`);

          // Two readers applied for: three cannot be claimed.
          await applyForReaders(page, base, 'panasonic', 2);
          await go(page, `${base}/subsidies`);
          await page.fill('#projectCost', '1,000,000');
          await page.fill('#readers', '3');
          await submit(page, 'button[value=create]');
          expect(await text(page, '#subsidy-refusal')).toContain(
            '申し込んだカードリーダー（取消を除く）の2台を超えています',
          );

          // A second tab holds the same form; the first files, the second (identical) is refused with
          // a link to the first.
          const stale = await page.context().newPage();
          await go(stale, `${base}/subsidies`);
          await page.fill('#projectCost', '1,000,000');
          await page.fill('#readers', '2');
          await submit(page, 'button[value=preview]');
          const amount = await text(page, '#subsidy-preview strong');
          await submit(page, 'button[value=create]');
          const id = Number(new URL(page.url()).pathname.split('/').pop());
          await stale.fill('#projectCost', '1,000,000');
          await stale.fill('#readers', '2');
          await submit(stale, 'button[value=create]');
          expect(await text(stale, '#subsidy-refusal')).toContain(
            `この施設の補助金申請はすでにあります（申請番号 ${id}）`,
          );
          await shot(stale, `21-subsidy-duplicate-${w}`);
          await submit(stale, `#subsidy-refusal a[href="/subsidies/${id}"]`);
          expect(new URL(stale.url()).pathname).toBe(`/subsidies/${id}`);
          await stale.close();
          expect(await listSubsidyApplications(h.handle, { institutionCode: code })).toHaveLength(
            1,
          );

          // Submitted with a receipt; the operator approves from two tabs, double clicking in one.
          await go(page, `${base}/subsidies/${id}`);
          await attachAndSubmit(page);

          const op = await staffPage(j(), viewport, 'operator');
          const second = await op.context().newPage();
          for (const tab of [op, second]) {
            await go(tab, `${base}/operator/subsidies/${id}`);
            await submit(tab, 'button[value=approved]');
            expect(await text(tab, '#confirmation')).toContain(amount);
          }
          await doubleClickSubmit(op, '#confirmation button');
          expect(new URL(op.url()).pathname).toBe(`/operator/subsidies/${id}`);
          expect(await text(op, '#subsidy-status')).toContain('承認');
          await submit(second, '#confirmation button');
          expect(new URL(second.url()).pathname).toBe(`/operator/subsidies/${id}`);
          expect(await text(second, '#subsidy-status')).toContain('承認');
          await shot(second, `22-subsidy-approved-twice-${w}`);

          const rows = await listSubsidyApplications(h.handle, { institutionCode: code });
          expect(rows.map((r) => r.status)).toEqual(['approved']);
          expect(await mailsTo(email, SUBSIDY_DECISION_SUBJECT)).toHaveLength(1);
          await go(page, `${base}/subsidies`);
          expect(await page.locator('main table tr', { hasText: amount }).count()).toBe(1);
          await go(page, `${base}/subsidies/${id}`);
          expect(await page.locator('#subsidy-amount').count()).toBe(1);
          expect(await text(page, '#subsidy-amount')).toBe(amount);
          await page.context().close();
          await op.context().close();
        });

        it(`credentials are issued on a POST, shown once, and never revoked by a reload (${w} px)`, async () => {
          const { h, base } = j();
          h.clock.set('2021-06-01T10:00:00+09:00');
          const { page, code, email } = await facilityPage(j(), viewport, 'pharmacy', '認証薬局');
          expect(await applyForUsage(page, base)).toMatch(/^U-\d{7}$/);

          // The operator's approval, double clicked and sent again from a stale tab: approved once.
          const op = await staffPage(j(), viewport, 'operator');
          const stale = await op.context().newPage();
          await go(op, `${base}/operator/usage`);
          await go(stale, `${base}/operator/usage`);
          const [application] = await listUsageApplications(h.handle, { institutionCode: code });
          const approve = `form[action="/operator/usage/${application?.id}/approve"] button`;
          await doubleClickSubmit(op, approve);
          await submit(stale, approve);
          for (const tab of [op, stale]) {
            expect(new URL(tab.url()).pathname).toBe('/operator/usage');
            expect(await text(tab, 'main')).toContain('承認済み');
          }
          expect(
            (await listUsageApplications(h.handle, { institutionCode: code })).map((a) => a.status),
          ).toEqual(['approved']);
          expect(await mailsTo(email, /利用申請が承認されました/)).toHaveLength(1);

          // Issue: a POST that redirects to the page showing the secret once.
          await go(page, `${base}/usage`);
          await submit(page, 'form[action="/usage/credentials"] button');
          expect(new URL(page.url()).pathname).toBe('/usage/credentials/issued');
          const clientId = (await page.locator('#client-id').innerText()).trim();
          const secret = (await page.locator('#client-secret').innerText()).trim();
          expect(h.eligibility.issued.at(-1)).toEqual({ clientId, clientSecret: secret });
          await shot(page, `23-credentials-${w}`);

          for (let i = 0; i < 2; i++) {
            await reload(page);
            expect(await text(page, '#already-shown')).toContain('一度だけ表示しました');
            expect(await text(page, '#already-shown')).toContain(clientId);
            expect(await page.content()).not.toContain(secret);
            // An explicit rotation is offered, behind a confirmation.
            expect(
              await page.locator('form[action="/usage/credentials/rotate"] #confirm').count(),
            ).toBe(1);
          }
          await shot(page, `24-credentials-reloaded-${w}`);
          // Back on the usage page: no issue button any more, a rotation link instead.
          await go(page, `${base}/usage`);
          expect(await page.locator('form[action="/usage/credentials"]').count()).toBe(0);
          expect(await page.locator('#rotate-link').count()).toBe(1);
          expect(await page.content()).not.toContain(secret);

          // The first credential still works, at eligibility-api and in the portal's records.
          expect(h.eligibility.revoked).not.toContain(clientId);
          expect(h.eligibility.login(clientId, secret)).toBe('OK');
          const stored = await listCredentials(h.handle, code);
          expect(stored.map((c) => [c.client_id, c.revoked_at])).toEqual([[clientId, null]]);

          // Rotation only when asked for and confirmed.
          await submit(page, '#rotate-link');
          await submit(page, 'form[action="/usage/credentials/rotate"] button');
          expect(await text(page, '#confirm-error')).toContain('チェックを入れてください');
          expect(h.eligibility.login(clientId, secret)).toBe('OK');
          await page.check('#confirm');
          await submit(page, 'form[action="/usage/credentials/rotate"] button');
          const rotatedId = (await page.locator('#client-id').innerText()).trim();
          const rotatedSecret = (await page.locator('#client-secret').innerText()).trim();
          expect(rotatedId).not.toBe(clientId);
          expect(h.eligibility.login(clientId, secret)).toBe('CREDENTIAL_REVOKED');
          expect(h.eligibility.login(rotatedId, rotatedSecret)).toBe('OK');
          await reload(page);
          expect(h.eligibility.login(rotatedId, rotatedSecret)).toBe('OK');
          await page.context().close();
          await op.context().close();
        });
      }

      it(`rejecting a usage application asks for a reason, confirms, mails and shows it (${w} px)`, async () => {
        const { h, base } = j();
        h.clock.set('2021-06-01T10:00:00+09:00');
        const reason = '名称が登録内容と一致しません';
        const { page, code, email } = await facilityPage(j(), viewport, 'pharmacy', '却下薬局');
        expect(await applyForUsage(page, base)).toMatch(/^U-\d{7}$/);

        const op = await staffPage(j(), viewport, 'operator');
        const [application] = await listUsageApplications(h.handle, { institutionCode: code });
        await go(op, `${base}/operator/usage`);
        await submit(op, `a[href="/operator/usage/${application?.id}/reject"]`);
        await submit(op, 'main form button');
        expect(await focusedId(op)).toBe('error-summary');
        expect(await text(op, '#error-summary a[href="#reason"]')).toContain(
          '却下の理由を入力してください',
        );
        expect(await text(op, '#reason-error')).toContain('却下の理由を入力してください');
        await op.fill('#reason', reason);
        await submit(op, 'main form button');
        expect(await text(op, '#confirmation')).toContain(reason);
        // Nothing is decided before the confirmation.
        expect(await mailsTo(email, /利用申請/)).toHaveLength(0);
        await shot(op, `25-usage-reject-confirm-${w}`);
        await submit(op, '#confirmation button');
        expect(await text(op, 'main')).toContain('却下');

        await go(page, `${base}/usage`);
        expect(await text(page, '.usage-reason')).toContain(reason);
        expect(await mailsTo(email, /利用申請が承認されませんでした/)).toHaveLength(1);
        await openMailbox(page, base, email);
        expect(await text(page, 'main')).toContain(reason);
        await page.context().close();
        await op.context().close();
      });

      it(`rejecting a subsidy application asks for a reason, confirms, mails and shows it (${w} px)`, async () => {
        const { h, base } = j();
        h.clock.set('2021-06-01T10:00:00+09:00');
        const reason = '領収書の宛名が施設名と異なります';
        const { page, email } = await facilityPage(j(), viewport, 'clinic', '不承認医院');
        await applyForReaders(page, base, 'panasonic', 1);
        const id = await fileSubsidy(page, '500000', 1);

        const op = await staffPage(j(), viewport, 'operator');
        await go(op, `${base}/operator/subsidies`);
        await submit(op, `a[href="/operator/subsidies/${id}"]`);
        await submit(op, 'button[value=rejected]');
        expect(await focusedId(op)).toBe('error-summary');
        expect(await text(op, '#error-summary a[href="#note"]')).toContain(
          '不承認の理由を入力してください',
        );
        await op.fill('#note', reason);
        await submit(op, 'button[value=rejected]');
        expect(await text(op, '#confirmation')).toContain('不承認');
        expect(await text(op, '#confirmation')).toContain(reason);
        expect(await mailsTo(email, SUBSIDY_DECISION_SUBJECT)).toHaveLength(0);
        await shot(op, `26-subsidy-reject-confirm-${w}`);
        await submit(op, '#confirmation button');
        expect(await text(op, '#subsidy-status')).toContain('不承認');

        await go(page, `${base}/subsidies/${id}`);
        expect(await text(page, '#decision-note')).toContain(reason);
        expect(await text(page, 'main')).toContain('不承認の理由');
        expect(await mailsTo(email, SUBSIDY_DECISION_SUBJECT)).toHaveLength(1);
        await openMailbox(page, base, email);
        expect(await text(page, 'main')).toContain(reason);
        await page.context().close();
        await op.context().close();
      });
    }
  },
);
